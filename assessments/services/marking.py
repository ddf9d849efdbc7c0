"""Writes for marking: first marking and moderation (second marking). Agreeing a pass signs the competence."""

from collections.abc import Mapping
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.services import ConflictError, DomainError, record_event
from assessments.models import AssessmentComponent, Attempt, AttemptRating
from assessments.rules import criteria_outcome, percentage_passes, sampled_for_moderation
from assessments.selectors import MARKER_ROLES, assessment_rules
from assessments.services.signoffs import sign_off_competence
from trainees.access import access_to
from trainees.enrolment.versions import bump_records_version


def _check_marker(actor, attempt: Attempt) -> str:
    role = access_to(actor, attempt.enrolment).programme_role
    if role not in MARKER_ROLES:
        raise DomainError("Only an educator on the trainee's programme can mark or moderate an attempt.")
    if actor.pk == attempt.enrolment.user_id:
        raise DomainError("Nobody can mark their own attempt.")
    return role


def _lock(attempt: Attempt, expected: str, message: str) -> Attempt:
    """Lock the attempt row and check nobody has moved it on since the page was loaded."""
    locked = Attempt.objects.with_context().select_for_update(of=("self",)).get(pk=attempt.pk)
    if locked.status != expected:
        raise ConflictError(message)
    return locked


def _criteria_result(component: AssessmentComponent, ratings: Mapping[str, int]):
    scheme = component.marking_scheme
    criteria = list(scheme.criteria.order_by("number"))
    levels = dict(scheme.scale.levels.values_list("value", "label"))
    missing = [c.title for c in criteria if c.code not in ratings]
    if missing:
        raise DomainError(f"Rate every item: {len(missing)} not rated ({', '.join(missing)}).")
    unknown = set(ratings) - {c.code for c in criteria}
    if unknown:
        raise DomainError(f"Unknown items: {', '.join(sorted(unknown))}.")
    for criterion in criteria:
        if ratings[criterion.code] not in levels:
            raise DomainError(
                f"“{criterion.title}” must be rated on the scale {min(levels)} to {max(levels)}."
            )
    result = criteria_outcome(
        {c.code: ratings[c.code] for c in criteria},
        minimum_level=scheme.minimum_level,
        pass_total=scheme.pass_total,
        level_labels=levels,
    )
    return criteria, result


@transaction.atomic
def mark_attempt(
    *,
    actor,
    attempt: Attempt,
    feedback: str,
    release_on: date,
    ratings: Mapping[str, int] | None = None,
    percentage: int | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
) -> Attempt:
    """First marking. The outcome follows the component's marking: the pass rule for rated items, the pass
    mark for a percentage, or the marker's pass/fail. Every fail, and a sample of passes, goes to a second
    marker; otherwise the marks are agreed at once and a pass signs the competence off. `at` is when it
    happened: now, unless the demo (or an import of past records) says otherwise."""
    _check_marker(actor, attempt)
    attempt = _lock(attempt, Attempt.Status.SUBMITTED, "Someone else has just marked this attempt.")
    component = attempt.component
    if release_on < attempt.submitted_on:
        raise DomainError("The release date cannot be before the attempt was made.")
    total = None
    criteria = []
    if component.marking == AssessmentComponent.Marking.CRITERIA:
        criteria, result = _criteria_result(component, ratings or {})
        total, passed = result.total, result.passed
        percentage = None
    elif component.marking == AssessmentComponent.Marking.PERCENTAGE:
        if percentage is None or not 0 <= percentage <= 100:
            raise DomainError("Enter a mark between 0 and 100.")
        passed = percentage_passes(percentage, component.pass_mark)
    else:
        if outcome not in Attempt.Outcome.values:
            raise DomainError("Choose pass or fail.")
        passed = outcome == Attempt.Outcome.PASSED
        percentage = None
    first_outcome = Attempt.Outcome.PASSED if passed else Attempt.Outcome.FAILED
    rules = assessment_rules(attempt.enrolment.cohort.programme)
    if not passed:
        reason = Attempt.ModerationReason.FAIL
    elif sampled_for_moderation(attempt.pk, rules.moderation_sample_percent):
        reason = Attempt.ModerationReason.SAMPLE
    else:
        reason = ""

    now = at or timezone.now()
    attempt.first_marker = actor
    attempt.first_marked_at = now
    attempt.first_outcome = first_outcome
    attempt.percentage = percentage
    attempt.total_score = total
    attempt.feedback = feedback.strip()
    attempt.release_on = release_on
    attempt.moderation_reason = reason
    fields = [
        "first_marker",
        "first_marked_at",
        "first_outcome",
        "percentage",
        "total_score",
        "feedback",
        "release_on",
        "moderation_reason",
        "status",
    ]
    if reason:
        attempt.status = Attempt.Status.AWAITING_MODERATION
    else:
        attempt.status = Attempt.Status.AGREED
        attempt.outcome = first_outcome
        attempt.agreed_percentage = percentage
        attempt.agreed_at = now
        fields += ["outcome", "agreed_percentage", "agreed_at"]
    attempt.save(update_fields=fields)
    AttemptRating.objects.bulk_create(
        AttemptRating(attempt=attempt, criterion=criterion, rating=ratings[criterion.code])
        for criterion in criteria
    )
    bump_records_version(attempt.enrolment_id)
    record_event(
        actor=actor,
        action="attempt.marked",
        obj=attempt,
        before={"status": Attempt.Status.SUBMITTED},
        after={
            "status": attempt.status,
            "first_outcome": first_outcome,
            "percentage": percentage,
            "total_score": total,
            "ratings": {c.code: ratings[c.code] for c in criteria} or None,
            "moderation": reason or None,
            "release_on": release_on,
        },
    )
    if attempt.status == Attempt.Status.AGREED and passed and attempt.competence_id:
        sign_off_competence(actor=actor, attempt=attempt, at=now)
    return attempt


@transaction.atomic
def moderate_attempt(
    *,
    actor,
    attempt: Attempt,
    decision: str,
    note: str = "",
    outcome: str | None = None,
    percentage: int | None = None,
    at: datetime | None = None,
) -> Attempt:
    """Second marking by another educator: agree with the first marker, or change the outcome with a reason.

    The agreed marks are released to the trainee on the first marker's release date; a pass signs the
    competence off, by the moderator.
    """
    _check_marker(actor, attempt)
    attempt = _lock(
        attempt, Attempt.Status.AWAITING_MODERATION, "Someone else has just moderated this attempt."
    )
    if attempt.first_marker_id == actor.pk:
        raise DomainError("You first-marked this attempt, so another educator must moderate it.")
    component = attempt.component
    if decision == Attempt.Decision.AGREED:
        agreed_outcome, agreed_percentage = attempt.first_outcome, attempt.percentage
    elif decision == Attempt.Decision.CHANGED:
        if not note.strip():
            raise DomainError("Say why the outcome is changed.")
        if component.marking == AssessmentComponent.Marking.PERCENTAGE:
            if percentage is None or not 0 <= percentage <= 100:
                raise DomainError("Enter the agreed mark between 0 and 100.")
            agreed_percentage = percentage
            passed = percentage_passes(percentage, component.pass_mark)
            agreed_outcome = Attempt.Outcome.PASSED if passed else Attempt.Outcome.FAILED
            if agreed_percentage == attempt.percentage:
                raise DomainError("That is the first marker's mark: choose to agree instead.")
        else:
            if outcome not in Attempt.Outcome.values:
                raise DomainError("Choose the agreed outcome.")
            if outcome == attempt.first_outcome:
                raise DomainError("That is the first marker's outcome: choose to agree instead.")
            agreed_outcome, agreed_percentage = outcome, None
    else:
        raise DomainError("Choose whether you agree with the first marker.")

    attempt.second_marker = actor
    attempt.moderated_at = at or timezone.now()
    attempt.moderation_decision = decision
    attempt.moderation_note = note.strip()
    attempt.outcome = agreed_outcome
    attempt.agreed_percentage = agreed_percentage
    attempt.agreed_at = attempt.moderated_at
    attempt.status = Attempt.Status.AGREED
    attempt.save(
        update_fields=[
            "second_marker",
            "moderated_at",
            "moderation_decision",
            "moderation_note",
            "outcome",
            "agreed_percentage",
            "agreed_at",
            "status",
        ]
    )
    bump_records_version(attempt.enrolment_id)
    record_event(
        actor=actor,
        action="attempt.moderated",
        obj=attempt,
        message=attempt.moderation_note,
        before={
            "status": Attempt.Status.AWAITING_MODERATION,
            "first_outcome": attempt.first_outcome,
            "percentage": attempt.percentage,
        },
        after={
            "status": attempt.status,
            "decision": decision,
            "outcome": agreed_outcome,
            "percentage": agreed_percentage,
        },
    )
    if agreed_outcome == Attempt.Outcome.PASSED and attempt.competence_id:
        sign_off_competence(actor=actor, attempt=attempt, at=attempt.moderated_at)
    return attempt
