"""Writes for supervision: profiles and credentials, the supervision log, leave, reports, assignments, sites.

Each is one function: keyword-only arguments, one transaction, preconditions raising DomainError, saves with
update_fields and an audit event. Views, the demo and tests all go through these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import ConflictError, DomainError, record_event
from curriculum.models import Intervention
from trainees.access import access_to, staff_access
from trainees.deidentify import identifying_reason
from trainees.enrolment.versions import bump_for_supervisor, bump_records_version
from trainees.models import (
    Case,
    CaseReview,
    Enrolment,
    Leave,
    ServiceSite,
    SitePlacement,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision.certificates import check_certificate, safe_display_name, storage_name
from trainees.supervision.selectors import ending_to_restore, supervisors_for_staff

Kind = SupervisionSession.Kind
Format = SupervisionSession.Format
Status = SupervisionSession.Status


def _refuse_identifying(text: str, what: str) -> None:
    reason = identifying_reason(text)
    if reason:
        raise DomainError(
            f"{what} cannot be saved because {reason}. Records here must not identify a patient: use the "
            "service's pseudonymous case reference only."
        )


# ---------------------------------------------------------------------------------------------------------
# Supervisors and credentials


@transaction.atomic
def save_supervisor_profile(
    *,
    actor,
    supervisor: User,
    professional_background: str,
    pwp_experience: str,
    qualified_as_pwp_on: date | None,
) -> SupervisorProfile:
    """A supervisor records their own background and PWP experience."""
    if actor.pk != supervisor.pk:
        raise DomainError("Only the supervisor can change their own profile.")
    profile, created = SupervisorProfile.objects.get_or_create(user=supervisor)
    before = {
        "professional_background": profile.professional_background,
        "pwp_experience": profile.pwp_experience,
        "qualified_as_pwp_on": profile.qualified_as_pwp_on,
    }
    profile.professional_background = professional_background
    profile.pwp_experience = pwp_experience
    profile.qualified_as_pwp_on = qualified_as_pwp_on
    profile.updated_at = timezone.now()
    profile.save(
        update_fields=["professional_background", "pwp_experience", "qualified_as_pwp_on", "updated_at"]
    )
    record_event(
        actor=actor,
        action="supervisor.profile_saved",
        obj=profile,
        before=None if created else before,
        after={
            "professional_background": professional_background,
            "pwp_experience": pwp_experience,
            "qualified_as_pwp_on": qualified_as_pwp_on,
        },
    )
    return profile


def add_training(
    *,
    actor,
    supervisor: User,
    kind: str,
    provider: str,
    provider_iapt_accredited: bool,
    completed_on: date,
    certificate=None,
) -> SupervisorTraining:
    """Record a supervisor training course or refresher, with its certificate. It starts unverified.

    The certificate is stored under a server-chosen name before the row is written; if writing the row
    fails, the file is removed again so that nothing is left half-saved.
    """
    if actor.pk != supervisor.pk and not supervisors_for_staff(actor).filter(pk=supervisor.pk).exists():
        raise DomainError("Only the supervisor or staff of a programme they supervise on can add training.")
    if completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future.")
    if not provider.strip():
        raise DomainError("Enter the training provider.")
    stored = ""
    filename = content_type = ""
    if certificate:
        try:
            extension, content_type = check_certificate(certificate)
        except ValidationError as error:
            raise DomainError(error.messages[0]) from error
        filename = safe_display_name(certificate.name)
        stored = default_storage.save(storage_name(extension), certificate)
    try:
        with transaction.atomic():
            training = SupervisorTraining.objects.create(
                supervisor=supervisor,
                kind=kind,
                provider=provider.strip(),
                provider_iapt_accredited=provider_iapt_accredited,
                completed_on=completed_on,
                certificate=stored,
                certificate_filename=filename,
                certificate_content_type=content_type,
                recorded_by=actor,
            )
            bump_for_supervisor(supervisor.pk)  # their credentials show in every supervisee's portfolio
            record_event(
                actor=actor,
                action="supervisor.training_added",
                obj=training,
                after={
                    "supervisor": supervisor.username,
                    "kind": kind,
                    "provider": training.provider,
                    "iapt_accredited": provider_iapt_accredited,
                    "completed_on": completed_on,
                    "certificate": filename,
                },
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return training


@transaction.atomic
def verify_training(*, actor, training: SupervisorTraining) -> SupervisorTraining:
    """An educator or administrator confirms the training record is true. Verified records are final."""
    supervisor = training.supervisor
    if not staff_access(actor).can("verify_training", supervisor):
        raise DomainError(
            "Only an educator or administrator of a programme this person supervises on can verify training, "
            "and never their own."
        )
    training = SupervisorTraining.objects.select_for_update().get(pk=training.pk)
    if training.verified_at is not None:
        raise ConflictError("This training record has already been verified.")
    training.verified_by = actor
    training.verified_at = timezone.now()
    training.save(update_fields=["verified_by", "verified_at"])
    bump_for_supervisor(supervisor.pk)
    record_event(
        actor=actor,
        action="supervisor.training_verified",
        obj=training,
        before={"verified": False},
        after={"verified": True, "supervisor": supervisor.username, "provider": training.provider},
    )
    return training


# ---------------------------------------------------------------------------------------------------------
# The supervision log


def _check_session(
    *,
    enrolment: Enrolment,
    kind: str,
    on: date,
    minutes: int,
    format: str,
    group_size: int | None,
    supervisor: User,
    topics: str,
    cases: Sequence[Case],
    live_assessment_intervention: Intervention | None,
    live_assessment_outcome: str,
) -> None:
    if kind not in Kind.values:
        raise DomainError("Choose the kind of supervision.")
    if on > timezone.localdate():
        raise DomainError("A session cannot be logged before it has happened.")
    if on < enrolment.start_date:
        raise DomainError(f"The session is before the start of training ({enrolment.start_date:%-d %B %Y}).")
    if not 5 <= minutes <= 480:
        raise DomainError("A session lasts between 5 minutes and 8 hours.")
    if format == Format.GROUP and (group_size is None or group_size < 2):
        raise DomainError("Give the number of people in the group (at least 2).")
    if supervisor.pk == enrolment.user_id:
        raise DomainError("A trainee cannot be their own supervisor.")
    assigned = SupervisorAssignment.objects.current(on).filter(enrolment=enrolment, supervisor=supervisor)
    if not assigned.exists():
        raise DomainError(
            f"{supervisor.display_name} was not assigned to supervise this trainee on that date."
        )
    _refuse_identifying(topics, "The topics")
    if cases and kind != Kind.CASE_MANAGEMENT:
        raise DomainError("Cases reviewed are recorded for case-management sessions only.")
    for case in cases:
        if case.enrolment_id != enrolment.pk:
            raise DomainError("A case reviewed is not on this trainee's caseload.")
        if case.opened_on > on or (case.closed_on is not None and case.closed_on < on):
            raise DomainError(f"Case {case.reference} was not open on the date of the session.")
    if live_assessment_intervention is not None or live_assessment_outcome:
        if kind != Kind.CLINICAL_SKILLS:
            raise DomainError("Live assessments are recorded in clinical-skills sessions only.")
        if live_assessment_intervention is None or not live_assessment_outcome:
            raise DomainError("Give both the intervention assessed and the outcome on the mark sheet.")


@transaction.atomic
def log_session(
    *,
    actor,
    enrolment: Enrolment,
    kind: str,
    on: date,
    minutes: int,
    format: str = Format.INDIVIDUAL,
    group_size: int | None = None,
    supervisor: User,
    topics: str = "",
    cases: Sequence[Case] = (),
    live_assessment_intervention: Intervention | None = None,
    live_assessment_outcome: str = "",
    live_assessment_score: int | None = None,
) -> SupervisionSession:
    """The trainee logs a session; it waits for the supervisor to confirm it."""
    if actor.pk != enrolment.user_id:
        raise DomainError("Only the trainee logs their supervision sessions.")
    _check_session(
        enrolment=enrolment,
        kind=kind,
        on=on,
        minutes=minutes,
        format=format,
        group_size=group_size,
        supervisor=supervisor,
        topics=topics,
        cases=cases,
        live_assessment_intervention=live_assessment_intervention,
        live_assessment_outcome=live_assessment_outcome,
    )
    session = SupervisionSession.objects.create(
        enrolment=enrolment,
        kind=kind,
        date=on,
        minutes=minutes,
        format=format,
        group_size=group_size if format == Format.GROUP else None,
        supervisor=supervisor,
        topics=topics,
        live_assessment_intervention=live_assessment_intervention,
        live_assessment_outcome=live_assessment_outcome if live_assessment_intervention else "",
        live_assessment_score=live_assessment_score if live_assessment_intervention else None,
        logged_by=actor,
    )
    CaseReview.objects.bulk_create([CaseReview(session=session, case=case) for case in cases])
    bump_records_version(enrolment)
    record_event(actor=actor, action="supervision.logged", obj=session, after=_snapshot(session, cases))
    return session


def _snapshot(session: SupervisionSession, cases=None) -> dict:
    cases = list(session.cases_reviewed.all()) if cases is None else cases
    return {
        "kind": session.kind,
        "date": session.date,
        "minutes": session.minutes,
        "format": session.format,
        "group_size": session.group_size,
        "supervisor": session.supervisor.username,
        "cases": sorted(c.reference for c in cases),
        "live_assessment": session.live_assessment_intervention.code
        if session.live_assessment_intervention
        else None,
        "outcome": session.live_assessment_outcome,
    }


def _lock_awaiting(session: SupervisionSession) -> SupervisionSession:
    locked = SupervisionSession.objects.select_for_update().select_related("enrolment").get(pk=session.pk)
    if locked.status != Status.AWAITING:
        raise ConflictError("This session has already been confirmed, so it can no longer be changed.")
    return locked


@transaction.atomic
def update_session(
    *,
    actor,
    session: SupervisionSession,
    kind: str,
    on: date,
    minutes: int,
    format: str = Format.INDIVIDUAL,
    group_size: int | None = None,
    supervisor: User,
    topics: str = "",
    cases: Sequence[Case] = (),
    live_assessment_intervention: Intervention | None = None,
    live_assessment_outcome: str = "",
    live_assessment_score: int | None = None,
) -> SupervisionSession:
    """The trainee corrects an entry that is still waiting for confirmation."""
    session = _lock_awaiting(session)
    if actor.pk != session.enrolment.user_id:
        raise DomainError("Only the trainee can change the entries they logged.")
    _check_session(
        enrolment=session.enrolment,
        kind=kind,
        on=on,
        minutes=minutes,
        format=format,
        group_size=group_size,
        supervisor=supervisor,
        topics=topics,
        cases=cases,
        live_assessment_intervention=live_assessment_intervention,
        live_assessment_outcome=live_assessment_outcome,
    )
    before = _snapshot(session)
    session.kind = kind
    session.date = on
    session.minutes = minutes
    session.format = format
    session.group_size = group_size if format == Format.GROUP else None
    session.supervisor = supervisor
    session.topics = topics
    session.live_assessment_intervention = live_assessment_intervention
    session.live_assessment_outcome = live_assessment_outcome if live_assessment_intervention else ""
    session.live_assessment_score = live_assessment_score if live_assessment_intervention else None
    session.save(
        update_fields=[
            "kind",
            "date",
            "minutes",
            "format",
            "group_size",
            "supervisor",
            "topics",
            "live_assessment_intervention",
            "live_assessment_outcome",
            "live_assessment_score",
        ]
    )
    session.case_reviews.all().delete()
    CaseReview.objects.bulk_create([CaseReview(session=session, case=case) for case in cases])
    bump_records_version(session.enrolment_id)
    record_event(
        actor=actor, action="supervision.updated", obj=session, before=before, after=_snapshot(session, cases)
    )
    return session


@transaction.atomic
def withdraw_session(*, actor, session: SupervisionSession) -> None:
    """The trainee removes an entry logged by mistake, before it is confirmed."""
    session = _lock_awaiting(session)
    if actor.pk != session.enrolment.user_id:
        raise DomainError("Only the trainee can withdraw the entries they logged.")
    bump_records_version(session.enrolment_id)
    record_event(actor=actor, action="supervision.withdrawn", obj=session, before=_snapshot(session))
    session.delete()


@transaction.atomic
def confirm_session(*, actor, session: SupervisionSession) -> SupervisionSession:
    """The supervisor named on the entry confirms it. From then on the database refuses any change."""
    session = _lock_awaiting(session)
    if actor.pk == session.enrolment.user_id:
        raise DomainError("A trainee cannot confirm their own supervision.")
    if actor.pk != session.supervisor_id:
        raise DomainError("Only the supervisor named on the session can confirm it.")
    session.status = Status.CONFIRMED
    session.confirmed_at = timezone.now()
    session.save(update_fields=["status", "confirmed_at"])
    CaseReview.objects.filter(session=session).update(locked=True)
    bump_records_version(session.enrolment_id)
    record_event(
        actor=actor,
        action="supervision.confirmed",
        obj=session,
        before={"status": Status.AWAITING},
        after={"status": Status.CONFIRMED, **_snapshot(session)},
    )
    return session


@transaction.atomic
def reopen_session(*, actor, session: SupervisionSession, reason: str) -> SupervisionSession:
    """Staff reopen a confirmed entry with a reason: a new version waits for confirmation again.

    The confirmed row itself never changes (the database would refuse it); it stays in the history,
    replaced by the new version, and no longer counts.
    """
    if not access_to(actor, session.enrolment).can("reopen_supervision"):
        raise DomainError("Only an educator, programme lead or administrator of the programme can reopen.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for reopening.")
    _refuse_identifying(reason, "The reason")
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if session.status != Status.CONFIRMED:
        raise ConflictError("Only a confirmed session can be reopened.")
    if SupervisionSession.objects.filter(replaces=session).exists():
        raise ConflictError("This session has already been reopened.")
    cases = list(session.cases_reviewed.all())
    try:
        with transaction.atomic():
            new = SupervisionSession.objects.create(
                enrolment_id=session.enrolment_id,
                kind=session.kind,
                date=session.date,
                minutes=session.minutes,
                format=session.format,
                group_size=session.group_size,
                supervisor_id=session.supervisor_id,
                topics=session.topics,
                live_assessment_intervention_id=session.live_assessment_intervention_id,
                live_assessment_outcome=session.live_assessment_outcome,
                live_assessment_score=session.live_assessment_score,
                logged_by_id=session.logged_by_id,
                logged_at=session.logged_at,
                replaces=session,
                reopen_reason=reason,
                reopened_by=actor,
            )
    except IntegrityError as error:
        raise ConflictError("This session has already been reopened.") from error
    CaseReview.objects.bulk_create([CaseReview(session=new, case=case) for case in cases])
    bump_records_version(session.enrolment_id)
    record_event(
        actor=actor,
        action="supervision.reopened",
        obj=session,
        message=reason,
        before={"status": Status.CONFIRMED, "session": session.pk},
        after={"status": Status.AWAITING, "new_version": new.pk},
    )
    return new


@transaction.atomic
def record_leave(*, actor, enrolment: Enrolment, kind: str, starts_on: date, ends_on: date) -> Leave:
    """A supervisor or programme staff record a trainee's leave; weeks it takes up are not counted."""
    if not access_to(actor, enrolment).can("record_leave"):
        raise DomainError("Only the trainee's supervisor or programme staff can record leave.")
    if ends_on < starts_on:
        raise DomainError("Leave cannot end before it starts.")
    if (ends_on - starts_on).days > 366:
        raise DomainError("Record a long absence as an interruption of training instead.")
    leave = Leave.objects.create(
        enrolment=enrolment, kind=kind, starts_on=starts_on, ends_on=ends_on, recorded_by=actor
    )
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="supervision.leave_recorded",
        obj=leave,
        after={"kind": kind, "starts_on": starts_on, "ends_on": ends_on},
    )
    return leave


# ---------------------------------------------------------------------------------------------------------
# Supervisor reports

REPORT_FIELDS = (
    "period_start",
    "period_end",
    "engagement",
    "clinical_skills",
    "case_management",
    "values",
    "strengths",
    "development",
    "progress",
)


def _check_report(fields: dict) -> None:
    if fields["period_end"] < fields["period_start"]:
        raise DomainError("The report's period cannot end before it starts.")
    for name in REPORT_FIELDS:
        value = fields[name]
        if isinstance(value, str):
            _refuse_identifying(value, SupervisorReport._meta.get_field(name).verbose_name.capitalize())


@transaction.atomic
def start_report(*, actor, enrolment: Enrolment, kind: str, **fields) -> SupervisorReport:
    """A current supervisor starts an interim or final report (a draft until they sign it)."""
    if not access_to(actor, enrolment).can("write_report"):
        raise DomainError("Only a current supervisor of the trainee can write their supervisor's report.")
    if kind not in SupervisorReport.Kind.values:
        raise DomainError("Choose an interim or a final report.")
    _check_report(fields)
    report = SupervisorReport.objects.create(
        enrolment=enrolment, supervisor=actor, kind=kind, **{k: fields[k] for k in REPORT_FIELDS}
    )
    bump_records_version(enrolment)
    record_event(actor=actor, action="report.started", obj=report, after={"kind": kind})
    return report


@transaction.atomic
def update_report(*, actor, report: SupervisorReport, **fields) -> SupervisorReport:
    report = SupervisorReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SupervisorReport.Status.DRAFT:
        raise ConflictError("This report has been signed, so it can no longer be changed.")
    if actor.pk != report.supervisor_id:
        raise DomainError("Only the supervisor who wrote the report can change it.")
    _check_report(fields)
    for name in REPORT_FIELDS:
        setattr(report, name, fields[name])
    report.updated_at = timezone.now()
    report.save(update_fields=[*REPORT_FIELDS, "updated_at"])
    bump_records_version(report.enrolment_id)
    record_event(actor=actor, action="report.updated", obj=report, after={"kind": report.kind})
    return report


@transaction.atomic
def sign_report(*, actor, report: SupervisorReport, at: datetime | None = None) -> SupervisorReport:
    """The supervisor signs their report. Signed reports are final: the database refuses any change. `at` is
    when it was signed: now, unless the demo (or an import of past records) says otherwise."""
    report = SupervisorReport.objects.select_for_update().select_related("enrolment").get(pk=report.pk)
    if report.status != SupervisorReport.Status.DRAFT:
        raise ConflictError("This report has already been signed.")
    if actor.pk != report.supervisor_id or actor.pk == report.enrolment.user_id:
        raise DomainError("Only the supervisor who wrote the report can sign it.")
    report.status = SupervisorReport.Status.SIGNED
    report.signed_at = at or timezone.now()
    report.save(update_fields=["status", "signed_at"])
    bump_records_version(report.enrolment_id)
    record_event(
        actor=actor,
        action="report.signed",
        obj=report,
        before={"status": "draft"},
        after={"status": "signed", "kind": report.kind, "progress": report.progress},
    )
    return report


# ---------------------------------------------------------------------------------------------------------
# Assignments and sites


@transaction.atomic
def end_assignment(*, actor, assignment: SupervisorAssignment, ends_on: date) -> SupervisorAssignment:
    """Programme staff end a supervisor's assignment on a date (the last day they supervise)."""
    if not access_to(actor, assignment.enrolment).can("manage_assignments"):
        raise DomainError("Only programme staff can change supervisor assignments.")
    if ends_on < assignment.starts_on:
        raise DomainError("The assignment cannot end before it starts.")
    before = {"ends_on": assignment.ends_on}
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    bump_records_version(assignment.enrolment_id)
    record_event(
        actor=actor,
        action="supervisor.assignment_ended",
        obj=assignment,
        before=before,
        after={"ends_on": ends_on},
    )
    return assignment


@transaction.atomic
def restore_assignment(*, actor, assignment: SupervisorAssignment) -> SupervisorAssignment:
    """Take back an ending made by mistake: the person who ended it, on the same day, puts back the end
    date it had before (none, or the one planned)."""
    if not access_to(actor, assignment.enrolment).can("manage_assignments"):
        raise DomainError("Only programme staff can change supervisor assignments.")
    assignment = SupervisorAssignment.objects.select_for_update().get(pk=assignment.pk)
    ending = ending_to_restore(actor=actor, assignment=assignment)
    if ending is None:
        raise DomainError(
            "Only the person who ended this assignment can restore it, and only on the day they ended it."
        )
    previous = (ending.before or {}).get("ends_on")
    restored = date.fromisoformat(previous) if previous else None
    before = {"ends_on": assignment.ends_on}
    assignment.ends_on = restored
    assignment.save(update_fields=["ends_on"])
    bump_records_version(assignment.enrolment_id)
    record_event(
        actor=actor,
        action="supervisor.assignment_restored",
        obj=assignment,
        before=before,
        after={"ends_on": restored},
    )
    return assignment


@transaction.atomic
def add_site(
    *, actor, service: Organisation, name: str, qualified_staff: int, counted_on: date
) -> ServiceSite:
    if not staff_access(actor).can("record_sites", service):
        raise DomainError("Only a programme administrator can record a service's sites.")
    name = name.strip()
    if not name:
        raise DomainError("Enter the site's name.")
    if ServiceSite.objects.filter(service=service, name__iexact=name).exists():
        raise DomainError(f"{service} already has a site called {name}.")
    site = ServiceSite.objects.create(
        service=service, name=name, qualified_staff=qualified_staff, counted_on=counted_on
    )
    record_event(
        actor=actor,
        action="site.added",
        obj=site,
        after={"service": service.code, "name": name, "qualified_staff": qualified_staff},
    )
    return site


@transaction.atomic
def update_site(*, actor, site: ServiceSite, qualified_staff: int, counted_on: date) -> ServiceSite:
    if not staff_access(actor).can("change_sites", site.service):
        raise DomainError("Only a programme administrator can change a service's sites.")
    site = ServiceSite.objects.select_for_update().get(pk=site.pk)
    before = {"qualified_staff": site.qualified_staff, "counted_on": site.counted_on}
    site.qualified_staff = qualified_staff
    site.counted_on = counted_on
    site.save(update_fields=["qualified_staff", "counted_on"])
    record_event(
        actor=actor,
        action="site.updated",
        obj=site,
        before=before,
        after={"qualified_staff": qualified_staff, "counted_on": counted_on},
    )
    return site


@transaction.atomic
def place_trainee(*, actor, enrolment: Enrolment, site: ServiceSite) -> SitePlacement:
    """Record which site of their employing service a trainee works at."""
    if not access_to(actor, enrolment).can("record_placement"):
        raise DomainError("Only programme staff can record where a trainee works.")
    if site.service_id != enrolment.employing_service_id:
        raise DomainError(f"{site.name} is not a site of {enrolment.employing_service}.")
    placement = SitePlacement.objects.filter(enrolment=enrolment).first()
    before = {"site": placement.site.name} if placement else None
    if placement is None:
        placement = SitePlacement.objects.create(enrolment=enrolment, site=site, recorded_by=actor)
    else:
        placement.site = site
        placement.recorded_by = actor
        placement.recorded_at = timezone.now()
        placement.save(update_fields=["site", "recorded_by", "recorded_at"])
    record_event(
        actor=actor, action="site.trainee_placed", obj=placement, before=before, after={"site": site.name}
    )
    return placement
