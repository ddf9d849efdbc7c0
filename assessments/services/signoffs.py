"""Signing a competence off, and reopening a sign-off. Neither ever updates a sign-off row."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import ConflictError, DomainError, record_event
from assessments.models import Attempt, SignOff, SignOffReopening
from assessments.rules import marks_digest
from assessments.selectors import MARKER_ROLES
from trainees.access import access_to
from trainees.enrolment.versions import bump_records_version


def current_sign_off(enrolment_id: int, competence_id: int) -> SignOff | None:
    return (
        SignOff.objects.current()
        .filter(enrolment_id=enrolment_id, competence_id=competence_id)
        .select_related("signed_by")
        .first()
    )


def agreed_marks(attempt: Attempt) -> dict:
    """The agreed marks in the form that is stored on the sign-off and hashed."""
    ratings = {
        rating.criterion.code: rating.rating
        for rating in attempt.ratings.select_related("criterion").order_by("criterion__number")
    }
    return {
        "attempt": attempt.pk,
        "enrolment": attempt.enrolment_id,
        "component": attempt.component.code,
        "competence": attempt.competence.code if attempt.competence_id else None,
        "number": attempt.number,
        "method": attempt.method,
        "submitted_on": attempt.submitted_on.isoformat(),
        "marking": attempt.component.marking,
        "marking_scheme": attempt.component.marking_scheme.code
        if attempt.component.marking_scheme_id
        else None,
        "ratings": ratings or None,
        "total_score": attempt.total_score,
        "percentage": attempt.agreed_percentage,
        "outcome": attempt.outcome,
        "first_marker": attempt.first_marker.username if attempt.first_marker_id else None,
        "second_marker": attempt.second_marker.username if attempt.second_marker_id else None,
        "moderation_decision": attempt.moderation_decision or None,
        "feedback_sha256": marks_digest({"feedback": attempt.feedback}),
    }


@transaction.atomic
def sign_off_competence(*, actor, attempt: Attempt, at: datetime | None = None) -> SignOff:
    """Sign a competence off from an attempt whose agreed outcome is a pass: who, role, when, method, evidence
    and a hash of the marks. From then on the row is locked (service and database trigger).

    Two educators signing the same competence at once: the database lets one sign-off in, and the other gets a
    ConflictError with a message to show (never a 500).
    """
    role = access_to(actor, attempt.enrolment).programme_role
    if role not in MARKER_ROLES:
        raise DomainError("Only an educator on the trainee's programme can sign a competence off.")
    if attempt.competence_id is None:
        raise DomainError("This component does not sign a competence off.")
    if attempt.status != Attempt.Status.AGREED or attempt.outcome != Attempt.Outcome.PASSED:
        raise DomainError("A competence is signed off only from an attempt whose agreed outcome is a pass.")
    existing = current_sign_off(attempt.enrolment_id, attempt.competence_id)
    if existing is not None:
        raise ConflictError(
            f"{attempt.competence} was signed off by {existing.signed_by.display_name} "
            f"on {existing.signed_at:%d %B %Y} at {existing.signed_at:%H:%M}. Nothing was changed."
        )
    follows = (
        SignOffReopening.objects.filter(
            sign_off__enrolment_id=attempt.enrolment_id,
            sign_off__competence_id=attempt.competence_id,
            next_sign_off__isnull=True,
        )
        .order_by("-reopened_at")
        .first()
    )
    marks = agreed_marks(attempt)
    evidence = [
        {"id": e.pk, "name": e.original_name, "size": e.size, "sha256": e.sha256}
        for e in attempt.evidence.all()
    ]
    try:
        with transaction.atomic():
            sign_off = SignOff.objects.create(
                enrolment_id=attempt.enrolment_id,
                competence_id=attempt.competence_id,
                attempt=attempt,
                follows=follows,
                signed_by=actor,
                signed_by_role=role,
                method=attempt.method,
                evidence=evidence,
                marks=marks,
                marks_sha256=marks_digest(marks),
                signed_at=at or timezone.now(),
            )
    except IntegrityError as error:
        raise ConflictError(
            f"Another educator has just signed off {attempt.competence}. Their sign-off stands; nothing was "
            "changed by yours."
        ) from error
    bump_records_version(attempt.enrolment_id)
    record_event(
        actor=actor,
        action="competence.signed",
        obj=sign_off,
        before={"status": "reopened" if follows else "not_signed"},
        after={
            "status": "signed",
            "competence": attempt.competence.code,
            "attempt": attempt.pk,
            "role": role,
            "method": attempt.method,
            "marks_sha256": sign_off.marks_sha256,
            "evidence": [e["sha256"] for e in evidence],
        },
    )
    return sign_off


@transaction.atomic
def reopen_sign_off(*, actor, sign_off: SignOff, reason: str) -> SignOffReopening:
    """“Reopen with a reason”: only the programme lead. The sign-off row is kept as it was; a reopening row is
    added beside it, and the trainee gets one further attempt at the competence."""
    if not access_to(actor, sign_off.enrolment).can("reopen_sign_off"):
        raise DomainError("Only the programme lead can reopen a signed-off competence.")
    if not reason.strip():
        raise DomainError("Say why the sign-off is being reopened.")
    if SignOffReopening.objects.filter(sign_off=sign_off).exists():
        raise ConflictError("This sign-off has already been reopened.")
    try:
        with transaction.atomic():
            reopening = SignOffReopening.objects.create(
                sign_off=sign_off, reason=reason.strip(), reopened_by=actor
            )
    except IntegrityError as error:
        raise ConflictError("Someone else has just reopened this sign-off.") from error
    bump_records_version(sign_off.enrolment_id)
    record_event(
        actor=actor,
        action="competence.reopened",
        obj=sign_off,
        message=reopening.reason,
        before={"status": "signed", "sign_off": sign_off.pk, "marks_sha256": sign_off.marks_sha256},
        after={"status": "reopened", "reopening": reopening.pk, "reason": reopening.reason},
    )
    return reopening
