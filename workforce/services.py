"""Every change to workforce records: one function each, keyword-only, atomic, audited.

Diversity answers are special-category data: their audit events say that answers changed, never what they are.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.services import DomainError, record_event
from workforce.models import (
    DIVERSITY_DIMENSIONS,
    Application,
    ApplicationOutcome,
    Band,
    Correction,
    DiversityAnswers,
    Outcome,
    Post,
    PostKind,
    PostProposal,
    Practitioner,
    PriorBackground,
    Recruitment,
    ServiceStaffing,
)

QUALIFIED_JOB_TITLE = "Psychological wellbeing practitioner"


def _post_summary(post: Post) -> dict:
    return {
        "service": post.service.code,
        "site": post.site.name if post.site_id else "",
        "job_title": post.job_title,
        "kind": post.kind,
        "band": post.band,
        "senior_role": post.senior_role,
        "wte": str(post.wte),
        "starts_on": post.starts_on,
        "ends_on": post.ends_on,
        "leaving_reason": post.leaving_reason,
        "destination": post.destination,
    }


@transaction.atomic
def practitioner_for(*, actor, user) -> Practitioner:
    """The person's workforce record, made on first need."""
    practitioner, created = Practitioner.objects.get_or_create(user=user)
    if created:
        record_event(actor=actor, action="workforce.practitioner_created", obj=practitioner)
    return practitioner


@transaction.atomic
def set_background(
    *, actor, practitioner: Practitioner, prior_background: str, qualified_on: date | None = None
) -> Practitioner:
    if prior_background and prior_background not in PriorBackground.values:
        raise DomainError("Choose a background from the list.")
    before = {"prior_background": practitioner.prior_background, "qualified_on": practitioner.qualified_on}
    practitioner.prior_background = prior_background
    practitioner.qualified_on = qualified_on if qualified_on is not None else practitioner.qualified_on
    practitioner.save(update_fields=["prior_background", "qualified_on"])
    record_event(
        actor=actor,
        action="workforce.background_set",
        obj=practitioner,
        before=before,
        after={"prior_background": prior_background, "qualified_on": practitioner.qualified_on},
    )
    return practitioner


def _check_post(*, service, site, band, senior_role, wte, starts_on, ends_on):
    if service.kind != Organisation.Kind.SERVICE:
        raise DomainError("A post belongs to an NHS Talking Therapies service.")
    if site is not None and site.service_id != service.pk:
        raise DomainError("That site belongs to another service.")
    if band not in Band.values:
        raise DomainError("Choose a band from 4 to 7.")
    if senior_role and band < Band.BAND_6:
        raise DomainError("Only band 6 and above posts have a senior role.")
    if not Decimal("0") < Decimal(wte) <= Decimal("1"):
        raise DomainError("Whole-time equivalent must be more than 0 and at most 1.")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("A post cannot end before it starts.")


@transaction.atomic
def record_post(
    *,
    actor,
    practitioner: Practitioner,
    service: Organisation,
    job_title: str,
    band: int,
    starts_on: date,
    kind: str = PostKind.PWP,
    site=None,
    senior_role: str = "",
    wte: Decimal | float | str = Decimal("1.00"),
    ends_on: date | None = None,
    leaving_reason: str = "",
    destination: str = "",
) -> Post:
    """Add a post to someone's history (a past one with its end and destination, or a current one)."""
    wte = Decimal(str(wte))
    _check_post(
        service=service,
        site=site,
        band=band,
        senior_role=senior_role,
        wte=wte,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if bool(leaving_reason) != bool(destination) or (destination and ends_on is None):
        raise DomainError("Record a leaving reason and a destination together, on a post that has ended.")
    post = Post.objects.create(
        practitioner=practitioner,
        service=service,
        site=site,
        job_title=job_title,
        kind=kind,
        band=band,
        senior_role=senior_role,
        wte=wte,
        starts_on=starts_on,
        ends_on=ends_on,
        leaving_reason=leaving_reason,
        destination=destination,
        recorded_by=actor,
    )
    record_event(actor=actor, action="workforce.post_recorded", obj=post, after=_post_summary(post))
    return post


@transaction.atomic
def record_post_for(*, actor, user, service: Organisation, prior_background: str = "", **post) -> Post:
    """The administrator's "record a post" page: the person's record made if needed, their background noted
    if given, and the post, all or nothing."""
    practitioner = practitioner_for(actor=actor, user=user)
    if prior_background:
        set_background(actor=actor, practitioner=practitioner, prior_background=prior_background)
    return record_post(actor=actor, practitioner=practitioner, service=service, **post)


@transaction.atomic
def end_post(*, actor, post: Post, ends_on: date, leaving_reason: str = "", destination: str = "") -> Post:
    """End a post: a move within the service (no reason) or leaving it (a reason and a destination)."""
    post = Post.objects.select_for_update(of=("self",)).select_related("service", "site").get(pk=post.pk)
    if post.ends_on is not None:
        raise DomainError("This post has already ended.")
    if ends_on < post.starts_on:
        raise DomainError("A post cannot end before it starts.")
    if bool(leaving_reason) != bool(destination):
        raise DomainError("Record a leaving reason and a destination together.")
    before = _post_summary(post)
    post.ends_on, post.leaving_reason, post.destination = ends_on, leaving_reason, destination
    post.save(update_fields=["ends_on", "leaving_reason", "destination"])
    record_event(
        actor=actor, action="workforce.post_ended", obj=post, before=before, after=_post_summary(post)
    )
    return post


@transaction.atomic
def confirm_qualified_post(
    *, actor, enrolment, site=None, job_title: str = QUALIFIED_JOB_TITLE, wte=Decimal("1.00")
) -> Post:
    """Confirm the band 5 post that completing the course proposes, starting on the completion date.

    The trainee's open band 4 post at the service ends the day before (a move within the service, not a
    leaver), and the person's record notes when and with which cohort they qualified.
    """
    if enrolment.completed_on is None:
        raise DomainError("The course is not completed yet, so there is no qualified post to confirm.")
    if PostProposal.objects.filter(enrolment=enrolment).exists():
        raise DomainError("Someone has already decided on this post.")
    service = enrolment.employing_service
    practitioner = practitioner_for(actor=actor, user=enrolment.user)
    starts_on = enrolment.completed_on
    for trainee_post in Post.objects.select_related("service", "site").filter(
        practitioner=practitioner, service=service, band=Band.BAND_4, kind=PostKind.PWP, ends_on__isnull=True
    ):
        end_post(
            actor=actor, post=trainee_post, ends_on=max(trainee_post.starts_on, starts_on - timedelta(days=1))
        )
    post = record_post(
        actor=actor,
        practitioner=practitioner,
        service=service,
        site=site,
        job_title=job_title,
        band=Band.BAND_5,
        wte=wte,
        starts_on=starts_on,
    )
    practitioner.qualified_on = practitioner.qualified_on or starts_on
    practitioner.qualifying_cohort_id = practitioner.qualifying_cohort_id or enrolment.cohort_id
    practitioner.save(update_fields=["qualified_on", "qualifying_cohort"])
    proposal = PostProposal.objects.create(
        enrolment=enrolment, decision=PostProposal.Decision.CONFIRMED, post=post, decided_by=actor
    )
    record_event(
        actor=actor, action="workforce.qualified_post_confirmed", obj=proposal, after={"post": post.pk}
    )
    return post


@transaction.atomic
def decline_qualified_post(*, actor, enrolment, note: str) -> PostProposal:
    """Record that the proposed band 5 post is not right (for example, the person left on qualifying)."""
    if not note.strip():
        raise DomainError("Say why the post is not being confirmed.")
    if PostProposal.objects.filter(enrolment=enrolment).exists():
        raise DomainError("Someone has already decided on this post.")
    proposal = PostProposal.objects.create(
        enrolment=enrolment,
        decision=PostProposal.Decision.DECLINED,
        note=note.strip()[:500],
        decided_by=actor,
    )
    record_event(actor=actor, action="workforce.qualified_post_declined", obj=proposal, message=proposal.note)
    return proposal


@transaction.atomic
def suggest_correction(*, user, service: Organisation, message: str, post: Post | None = None) -> Correction:
    """A practitioner asks for their own history to be corrected; a service administrator decides."""
    if not message.strip():
        raise DomainError("Say what is wrong and what it should say.")
    practitioner = practitioner_for(actor=user, user=user)
    if post is not None and post.practitioner_id != practitioner.pk:
        raise DomainError("You can only suggest corrections to your own posts.")
    correction = Correction.objects.create(
        practitioner=practitioner, post=post, service=service, message=message.strip()[:2000]
    )
    record_event(
        actor=user, action="workforce.correction_suggested", obj=correction, after={"post": post and post.pk}
    )
    return correction


@transaction.atomic
def decide_correction(*, actor, correction: Correction, accept: bool, note: str = "") -> Correction:
    """Accept or decline a suggested correction. Accepting records the decision; the administrator then
    changes the post itself through `record_post` or `end_post`, each audited on its own."""
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("practitioner")
        .get(pk=correction.pk)
    )
    if correction.status != Correction.Status.PENDING:
        raise DomainError("Someone has already decided on this correction.")
    if correction.practitioner.user_id == actor.pk:
        raise DomainError("Someone else must decide on a correction to your own history.")
    correction.status = Correction.Status.ACCEPTED if accept else Correction.Status.DECLINED
    correction.decided_by, correction.decided_at = actor, timezone.now()
    correction.decision_note = note.strip()[:500]
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor=actor,
        action="workforce.correction_decided",
        obj=correction,
        before={"status": Correction.Status.PENDING},
        after={"status": correction.status},
        message=correction.decision_note,
    )
    return correction


@transaction.atomic
def save_diversity_answers(*, user, **answers: str) -> DiversityAnswers:
    """The person's own answers. Each is optional; the audit trail records that they changed, not what."""
    for name, value in answers.items():
        if name not in DIVERSITY_DIMENSIONS:
            raise DomainError(f"Unknown question {name}.")
        choices = DIVERSITY_DIMENSIONS[name][1]
        if value and value not in choices.values:
            raise DomainError("Choose an answer from the list, or leave it blank.")
    row, _ = DiversityAnswers.objects.get_or_create(user=user)
    for name, value in answers.items():
        setattr(row, name, value or "")
    row.updated_at = timezone.now()
    row.save(update_fields=[*answers, "updated_at"])
    record_event(actor=user, action="workforce.diversity_answers_saved", obj=row)
    return row


@transaction.atomic
def record_staffing(
    *,
    actor,
    service: Organisation,
    counted_on: date,
    high_intensity_headcount: int,
    pwp_share_target: int = 40,
) -> ServiceStaffing:
    """The service's count of high-intensity staff who are not users, and its target PWP share."""
    if not 0 <= pwp_share_target <= 100:
        raise DomainError("The target share of PWPs is a percentage from 0 to 100.")
    row, created = ServiceStaffing.objects.update_or_create(
        service=service,
        counted_on=counted_on,
        defaults={
            "high_intensity_headcount": high_intensity_headcount,
            "pwp_share_target": pwp_share_target,
            "recorded_by": actor,
        },
    )
    record_event(
        actor=actor,
        action="workforce.staffing_recorded",
        obj=row,
        after={"high_intensity_headcount": high_intensity_headcount, "pwp_share_target": pwp_share_target},
    )
    return row


def record_report_view(*, actor, report: str, service: Organisation, as_of: date, fmt: str = "page") -> None:
    """Every view or export of a workforce report is an audit event (who looked at which figures when)."""
    record_event(
        actor=actor,
        action="workforce.report_viewed" if fmt == "page" else "workforce.report_exported",
        obj=service,
        message=f"{report} as of {as_of.isoformat()} ({fmt})",
    )


# --- posts and records changed in the back office ---------------------------------------------------------

POST_FIELDS = (
    "site",
    "job_title",
    "kind",
    "band",
    "senior_role",
    "wte",
    "starts_on",
    "ends_on",
    "leaving_reason",
    "destination",
)


@transaction.atomic
def change_post(*, actor, post: Post, changes: dict) -> Post:
    """Correct a recorded post (say, after accepting a suggested correction), checked as a new one is."""
    post = Post.objects.select_for_update(of=("self",)).select_related("service", "site").get(pk=post.pk)
    unknown = set(changes) - set(POST_FIELDS)
    if unknown:
        raise DomainError("Only a post's details can be changed; record a new post for another person.")
    before = _post_summary(post)
    for name, value in changes.items():
        setattr(post, name, value)
    post.wte = Decimal(str(post.wte))
    _check_post(
        service=post.service,
        site=post.site,
        band=post.band,
        senior_role=post.senior_role,
        wte=post.wte,
        starts_on=post.starts_on,
        ends_on=post.ends_on,
    )
    if bool(post.leaving_reason) != bool(post.destination) or (post.destination and post.ends_on is None):
        raise DomainError("Record a leaving reason and a destination together, on a post that has ended.")
    post.save(update_fields=list(changes) or None)
    record_event(
        actor=actor, action="workforce.post_changed", obj=post, before=before, after=_post_summary(post)
    )
    return post


@transaction.atomic
def change_practitioner(*, actor, practitioner: Practitioner, changes: dict) -> Practitioner:
    """Where someone came from, when and with which cohort they qualified (the back office's record)."""
    allowed = {"prior_background", "qualified_on", "qualifying_cohort"}
    if set(changes) - allowed:
        raise DomainError("Only the background and the qualification can be changed here.")
    background = changes.get("prior_background", practitioner.prior_background)
    if background and background not in PriorBackground.values:
        raise DomainError("Choose a background from the list.")
    before = {
        "prior_background": practitioner.prior_background,
        "qualified_on": practitioner.qualified_on,
        "qualifying_cohort": practitioner.qualifying_cohort_id,
    }
    for name, value in changes.items():
        setattr(practitioner, name, value)
    practitioner.save()
    record_event(
        actor=actor,
        action="workforce.practitioner_changed",
        obj=practitioner,
        before=before,
        after={
            "prior_background": practitioner.prior_background,
            "qualified_on": practitioner.qualified_on,
            "qualifying_cohort": practitioner.qualifying_cohort_id,
        },
    )
    return practitioner


# --- applicants and recruitment ---------------------------------------------------------------------------


def _recruitment_summary(recruitment: Recruitment) -> dict:
    return {
        "service": recruitment.service.code,
        "name": recruitment.name,
        "cohort": recruitment.cohort.name if recruitment.cohort_id else "",
        "posts_offered": recruitment.posts_offered,
        "opens_on": recruitment.opens_on,
        "closes_on": recruitment.closes_on,
    }


def _check_recruitment(recruitment: Recruitment) -> None:
    if recruitment.service.kind != Organisation.Kind.SERVICE:
        raise DomainError("Trainee posts are recruited by an NHS Talking Therapies service.")
    if not recruitment.name.strip():
        raise DomainError("Name the recruitment round.")
    if recruitment.closes_on < recruitment.opens_on:
        raise DomainError("The advert cannot close before it opens.")
    if recruitment.posts_offered < 1:
        raise DomainError("Offer at least one trainee post.")
    clash = Recruitment.objects.filter(service=recruitment.service, name=recruitment.name.strip())
    if clash.exclude(pk=recruitment.pk).exists():
        raise DomainError("This service already has a recruitment round with that name.")


@transaction.atomic
def open_recruitment(
    *,
    actor,
    service: Organisation,
    name: str,
    posts_offered: int,
    opens_on: date,
    closes_on: date,
    cohort=None,
) -> Recruitment:
    """Record a recruitment round for trainee posts (its applications are recorded one by one)."""
    recruitment = Recruitment(
        service=service,
        name=name.strip(),
        cohort=cohort,
        posts_offered=posts_offered,
        opens_on=opens_on,
        closes_on=closes_on,
        recorded_by=actor,
    )
    _check_recruitment(recruitment)
    recruitment.save()
    record_event(
        actor=actor,
        action="workforce.recruitment_opened",
        obj=recruitment,
        after=_recruitment_summary(recruitment),
    )
    return recruitment


@transaction.atomic
def change_recruitment(*, actor, recruitment: Recruitment, changes: dict) -> Recruitment:
    if recruitment.pk is None:
        return open_recruitment(
            actor=actor,
            service=changes.get("service", getattr(recruitment, "service", None)),
            name=changes.get("name", recruitment.name),
            posts_offered=changes.get("posts_offered", recruitment.posts_offered),
            opens_on=changes.get("opens_on", recruitment.opens_on),
            closes_on=changes.get("closes_on", recruitment.closes_on),
            cohort=changes.get("cohort", recruitment.cohort),
        )
    recruitment = Recruitment.objects.select_for_update(of=("self",)).get(pk=recruitment.pk)
    before = _recruitment_summary(recruitment)
    for name, value in changes.items():
        setattr(recruitment, name, value)
    recruitment.name = recruitment.name.strip()
    _check_recruitment(recruitment)
    recruitment.save()
    record_event(
        actor=actor,
        action="workforce.recruitment_changed",
        obj=recruitment,
        before=before,
        after=_recruitment_summary(recruitment),
    )
    return recruitment


def _check_answers(answers: dict) -> None:
    for name, value in answers.items():
        if name not in DIVERSITY_DIMENSIONS:
            raise DomainError(f"Unknown question {name}.")
        if value and value not in DIVERSITY_DIMENSIONS[name][1].values:
            raise DomainError("Choose an answer from the list, or leave it blank.")


@transaction.atomic
def record_application(
    *,
    actor,
    recruitment: Recruitment,
    reference: str,
    prior_background: str = "",
    outcome: str = Outcome.RECEIVED,
    on: date | None = None,
    **answers: str,
) -> Application:
    """One application, by its reference, with the applicant's own equal opportunities answers (optional),
    and its outcome so far as the first dated step of its history (`on`, default today).

    The audit event names the reference and the outcome, never the answers."""
    reference = reference.strip()
    if not reference:
        raise DomainError("Enter the application reference.")
    if prior_background and prior_background not in PriorBackground.values:
        raise DomainError("Choose a background from the list.")
    if outcome not in Outcome.values:
        raise DomainError("Choose an outcome from the list.")
    _check_answers(answers)
    if Application.objects.filter(recruitment=recruitment, reference=reference).exists():
        raise DomainError("An application with that reference is already recorded for this round.")
    application = Application.objects.create(
        recruitment=recruitment,
        reference=reference,
        prior_background=prior_background,
        outcome=outcome,
        recorded_by=actor,
        **{name: value or "" for name, value in answers.items()},
    )
    on = _outcome_date(on)
    ApplicationOutcome.objects.create(
        application=application, outcome=outcome, decided_on=on, recorded_by=actor
    )
    record_event(
        actor=actor,
        action="workforce.application_recorded",
        obj=application,
        after={
            "recruitment": recruitment.name,
            "reference": reference,
            "outcome": outcome,
            "on": on.isoformat(),
        },
    )
    return application


def _outcome_date(on: date | None) -> date:
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise DomainError("The date of an outcome cannot be in the future.")
    return on


@transaction.atomic
def set_application_outcome(
    *, actor, application: Application, outcome: str, on: date | None = None
) -> Application:
    """Move an application on (shortlisted, interviewed, offered, appointed ...) on a date (default today).

    Each outcome is a dated step kept for good, so a report as of an earlier date shows the outcome then;
    the application's current outcome is its latest step."""
    if outcome not in Outcome.values:
        raise DomainError("Choose an outcome from the list.")
    on = _outcome_date(on)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    steps = ApplicationOutcome.objects.filter(application=application)
    standing = steps.filter(decided_on__lte=on).order_by("-decided_on", "-id").first()
    if standing is not None and standing.outcome == outcome:
        return application  # already so on that date: nothing to record
    ApplicationOutcome.objects.create(
        application=application, outcome=outcome, decided_on=on, recorded_by=actor
    )
    before = application.outcome
    latest = steps.order_by("-decided_on", "-id").values_list("outcome", flat=True).first()
    if latest != before:
        application.outcome = latest
        application.save(update_fields=["outcome"])
    record_event(
        actor=actor,
        action="workforce.application_outcome_set",
        obj=application,
        before={"outcome": before},
        after={"outcome": outcome, "on": on.isoformat()},
    )
    return application


@transaction.atomic
def change_application(*, actor, application: Application, changes: dict) -> Application:
    """The back office's change to an application: its reference, background and outcome (never the
    equal opportunities answers, which are the applicant's own)."""
    if set(changes) - {"recruitment", "reference", "prior_background", "outcome"}:
        raise DomainError("Only the reference, background and outcome of an application can be changed.")
    if application.pk is None:
        return record_application(
            actor=actor,
            recruitment=changes.get("recruitment", application.recruitment),
            reference=changes.get("reference", application.reference),
            prior_background=changes.get("prior_background", application.prior_background),
            outcome=changes.get("outcome", application.outcome),
        )
    outcome = changes.pop("outcome", None)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    before = {"reference": application.reference, "prior_background": application.prior_background}
    for name, value in changes.items():
        setattr(application, name, value.strip() if name == "reference" else value)
    if application.prior_background and application.prior_background not in PriorBackground.values:
        raise DomainError("Choose a background from the list.")
    clash = Application.objects.filter(
        recruitment=application.recruitment_id, reference=application.reference
    ).exclude(pk=application.pk)
    if not application.reference or clash.exists():
        raise DomainError("Enter a reference not already used in this round.")
    application.save(update_fields=list(changes) or ["reference"])
    record_event(
        actor=actor,
        action="workforce.application_changed",
        obj=application,
        before=before,
        after={"reference": application.reference, "prior_background": application.prior_background},
    )
    if outcome is not None:
        application = set_application_outcome(actor=actor, application=application, outcome=outcome)
    return application
