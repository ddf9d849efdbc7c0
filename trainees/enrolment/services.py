"""Writes for enrolments and supervisor assignments."""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Organisation, User
from accounts.services import DomainError, record_event, save_record
from core.identifiers import identifying_reason, refusal
from curriculum.models import Cohort, Route
from trainees.enrolment.versions import bump_records_version
from trainees.models import Enrolment, EnrolmentChange, SupervisorAssignment
from trainees.supervision.selectors import why_cannot_supervise


@transaction.atomic
def enrol_trainee(
    *,
    actor,
    user: User,
    cohort: Cohort,
    route: Route,
    start_date: date,
    employing_service: Organisation,
    band: int = Enrolment.Band.BAND_4,
) -> Enrolment:
    """Put a trainee on a cohort. The route must belong to the programme's curriculum edition."""
    if route.edition_id != cohort.programme.edition_id:
        raise DomainError(f"The route “{route}” is not part of this programme's curriculum edition.")
    _check_route_offered(route, cohort)
    if employing_service.kind != Organisation.Kind.SERVICE:
        raise DomainError(f"{employing_service} is not an NHS Talking Therapies service.")
    if Enrolment.objects.filter(user=user, cohort=cohort).exists():
        raise DomainError(f"{user.display_name} is already enrolled on {cohort}.")
    enrolment = Enrolment.objects.create(
        user=user,
        cohort=cohort,
        route=route,
        start_date=start_date,
        employing_service=employing_service,
        band=band,
    )
    record_event(
        actor=actor,
        action="enrolment.created",
        obj=enrolment,
        after={"cohort": cohort.code, "route": route.code, "start_date": start_date, "band": band},
    )
    return enrolment


@transaction.atomic
def assign_supervisor(
    *, actor, enrolment: Enrolment, supervisor: User, kind: str, starts_on: date, ends_on: date | None = None
) -> SupervisorAssignment:
    if supervisor.pk == enrolment.user_id:
        raise DomainError("A trainee cannot supervise themselves.")
    if ends_on and ends_on < starts_on:
        raise DomainError("The assignment cannot end before it starts.")
    _check_supervisor(supervisor, kind, starts_on)
    assignment = SupervisorAssignment.objects.create(
        enrolment=enrolment, supervisor=supervisor, kind=kind, starts_on=starts_on, ends_on=ends_on
    )
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="supervisor.assigned",
        obj=assignment,
        after={"kind": kind, "supervisor": supervisor.username, "starts_on": starts_on, "ends_on": ends_on},
    )
    return assignment


def _check_route_offered(route: Route, cohort: Cohort) -> None:
    from curriculum.selectors import cohort_routes

    if not cohort_routes(cohort).filter(pk=route.pk).exists():
        raise DomainError(f"{cohort} does not offer the route “{route}”.")


def _check_supervisor(person: User, kind: str, starts_on: date) -> None:
    """Only a qualified practitioner with a supervisor profile supervises; a line manager need not be one."""
    if kind == SupervisorAssignment.Kind.LINE_MANAGER:
        return
    refusal = why_cannot_supervise(person, starts_on)
    if refusal:
        raise DomainError(refusal)


def _check_enrolment(enrolment: Enrolment) -> None:
    if enrolment.route.edition_id != enrolment.cohort.programme.edition_id:
        raise DomainError(
            f"The route “{enrolment.route}” is not part of this programme's curriculum edition."
        )
    if enrolment.employing_service.kind != Organisation.Kind.SERVICE:
        raise DomainError(f"{enrolment.employing_service} is not an NHS Talking Therapies service.")


def student_number_clash(*, student_number: str, cohort: Cohort, user) -> str:
    """Why `student_number` cannot be this person's on `cohort`, in words (empty when it can): a student
    number belongs to one student at an institution (the programme's education provider), whatever the
    programme or cohort. The database refuses a clash too (a trigger, migration 0013); this names it."""
    if not student_number:
        return ""
    institution = cohort.programme.hei
    taken = (
        Enrolment.objects.filter(student_number=student_number, cohort__programme__hei_id=institution.pk)
        .exclude(user_id=user.pk)
        .exists()
    )
    return (
        f"Student number {student_number} already belongs to another student at {institution}."
        if taken
        else ""
    )


@transaction.atomic
def update_enrolment(*, actor, enrolment: Enrolment, changes: dict) -> Enrolment:
    """Correct an enrolment's fields (cohort, route, dates, band, status...); the same rules as enrolling."""
    for name, value in changes.items():
        setattr(enrolment, name, value)
    _check_enrolment(enrolment)
    if "cohort" in changes or "user" in changes:
        clash = Enrolment.objects.filter(user=enrolment.user, cohort=enrolment.cohort).exclude(
            pk=enrolment.pk
        )
        if clash.exists():
            raise DomainError(f"{enrolment.user.display_name} is already enrolled on {enrolment.cohort}.")
    if {"student_number", "cohort", "user"} & set(changes):
        clash = student_number_clash(
            student_number=enrolment.student_number, cohort=enrolment.cohort, user=enrolment.user
        )
        if clash:
            raise DomainError(clash)
    # `save_record` saves every field: carry the stored records version, not whatever this object was loaded
    # with, so the bump below always moves the number on.
    enrolment.records_version = (
        Enrolment.objects.select_for_update()
        .filter(pk=enrolment.pk)
        .values_list("records_version", flat=True)
        .first()
        or 0
    )
    saved = save_record(actor=actor, instance=enrolment, changes=changes, action="enrolment.changed")
    bump_records_version(saved)
    return saved


@transaction.atomic
def update_assignment(*, actor, assignment: SupervisorAssignment, changes: dict) -> SupervisorAssignment:
    """Correct a supervisor assignment (who, which kind, from and until when) under the rules of assigning."""
    for name, value in changes.items():
        setattr(assignment, name, value)
    if assignment.supervisor_id == assignment.enrolment.user_id:
        raise DomainError("A trainee cannot supervise themselves.")
    if assignment.ends_on and assignment.ends_on < assignment.starts_on:
        raise DomainError("The assignment cannot end before it starts.")
    if {"supervisor", "kind"} & set(changes):
        _check_supervisor(assignment.supervisor, assignment.kind, assignment.starts_on)
    bump_records_version(assignment.enrolment_id)
    return save_record(
        actor=actor, instance=assignment, changes=changes, action="supervisor.assignment_changed"
    )


@transaction.atomic
def complete_enrolment(*, actor, enrolment: Enrolment, completed_on: date) -> Enrolment:
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise DomainError("This enrolment is already completed.")
    before = {"status": enrolment.status, "band": enrolment.band}
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = completed_on
    enrolment.band = max(enrolment.band, Enrolment.Band.BAND_5)
    enrolment.save(update_fields=["status", "completed_on", "band"])
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="enrolment.completed",
        obj=enrolment,
        before=before,
        after={"status": enrolment.status, "band": enrolment.band, "completed_on": completed_on},
    )
    return enrolment


@transaction.atomic
def reassign_supervisors(*, actor, changes: list[tuple[Enrolment, str, User]], on: date) -> int:
    """Give each trainee in `changes` a new supervisor of a kind from `on`: the current one of that kind (if
    any) ends the day before, so the history of who supervised when is kept. Returns the changes made."""
    from trainees.supervision.services import end_assignment

    made = 0
    for enrolment, kind, supervisor in changes:
        current = list(
            SupervisorAssignment.objects.current(on)
            .filter(enrolment=enrolment, kind=kind)
            .select_related("enrolment")
        )
        if any(a.supervisor_id == supervisor.pk for a in current):
            continue
        for assignment in current:
            ends_on = max(on - timedelta(days=1), assignment.starts_on)
            end_assignment(actor=actor, assignment=assignment, ends_on=ends_on)
        assign_supervisor(actor=actor, enrolment=enrolment, supervisor=supervisor, kind=kind, starts_on=on)
        made += 1
    return made


# People over time: withdrawal, transfer and change of route, each dated, with a reason and its history -----


def _require_administrator(actor, enrolment: Enrolment) -> None:
    """The access policy's `change_enrolment` rule, asked of the enrolment (or a cohort it moves to)."""
    from trainees.access import access_to

    access = access_to(actor, enrolment)
    if not access.can("change_enrolment"):
        raise DomainError(access.refusal("change_enrolment"))


def _require_administrator_of(actor, cohort: Cohort) -> None:
    """A trainee moves only to a cohort whose programme the person also administers."""
    from trainees.access import staff_access

    access = staff_access(actor)
    if not access.can("enrol_trainees", cohort.programme):
        raise DomainError(f"You do not administer {cohort.programme}, so you cannot move a trainee there.")


def _record_change(
    *, actor, enrolment: Enrolment, kind: str, on: date, reason: str, before: dict, after: dict
):
    if not reason.strip():
        raise DomainError("Give the reason for the change.")
    problem = identifying_reason(reason)
    if problem:
        raise DomainError(refusal("The reason", problem))
    change = EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=kind,
        on=on,
        reason=reason.strip(),
        before=before,
        after=after,
        recorded_by=actor,
    )
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action=f"enrolment.{kind}",
        obj=enrolment,
        message=reason.strip(),
        before=before,
        after=after,
    )
    return change


@transaction.atomic
def withdraw(*, actor, enrolment: Enrolment, on: date, reason: str) -> Enrolment:
    """The trainee leaves the programme on `on`; their supervisors stop that day. Their records stay."""
    _require_administrator(actor, enrolment)
    enrolment = Enrolment.objects.select_for_update().select_related("cohort__programme").get(pk=enrolment.pk)
    if enrolment.status in (Enrolment.Status.WITHDRAWN, Enrolment.Status.COMPLETED):
        raise DomainError(f"This enrolment is already {enrolment.get_status_display().lower()}.")
    before = {"status": enrolment.status}
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    # Each supervisor's ending goes through the assignment service, so each has its own audit line (and
    # can be restored from the trainee's supervisors page like any other ending).
    from trainees.supervision.services import end_assignment

    ending = SupervisorAssignment.objects.current(on).filter(enrolment=enrolment, starts_on__lte=on)
    for assignment in ending.select_related("enrolment__cohort__programme").order_by("pk"):
        end_assignment(actor=actor, assignment=assignment, ends_on=on)
    _record_change(
        actor=actor,
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.WITHDRAWN,
        on=on,
        reason=reason,
        before=before,
        after={"status": enrolment.status},
    )
    return enrolment


@transaction.atomic
def transfer_cohort(*, actor, enrolment: Enrolment, cohort: Cohort, on: date, reason: str) -> Enrolment:
    """Move the trainee to another cohort of the same curriculum; everything recorded so far goes along."""
    _require_administrator(actor, enrolment)
    _require_administrator_of(actor, cohort)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("cohort__programme", "route")
        .get(pk=enrolment.pk)
    )
    if cohort.pk == enrolment.cohort_id:
        raise DomainError("The trainee is already on this cohort.")
    if enrolment.route.edition_id != cohort.programme.edition_id:
        raise DomainError(f"{cohort} follows another curriculum edition; change the route first.")
    _check_route_offered(enrolment.route, cohort)
    if Enrolment.objects.filter(user_id=enrolment.user_id, cohort=cohort).exists():
        raise DomainError(f"The trainee is already enrolled on {cohort}.")
    clash = student_number_clash(student_number=enrolment.student_number, cohort=cohort, user=enrolment.user)
    if clash:
        raise DomainError(clash)
    before = {"cohort": enrolment.cohort.code}
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    _record_change(
        actor=actor,
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.TRANSFERRED,
        on=on,
        reason=reason,
        before=before,
        after={"cohort": cohort.code},
    )
    return enrolment


@transaction.atomic
def change_route(*, actor, enrolment: Enrolment, route: Route, on: date, reason: str) -> Enrolment:
    _require_administrator(actor, enrolment)
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("cohort__programme", "route")
        .get(pk=enrolment.pk)
    )
    if route.pk == enrolment.route_id:
        raise DomainError("The trainee is already on this route.")
    if route.edition_id != enrolment.cohort.programme.edition_id:
        raise DomainError(f"The route “{route}” is not part of this programme's curriculum edition.")
    _check_route_offered(route, enrolment.cohort)
    before = {"route": enrolment.route.code}
    enrolment.route = route
    enrolment.save(update_fields=["route"])
    _record_change(
        actor=actor,
        enrolment=enrolment,
        kind=EnrolmentChange.Kind.ROUTE_CHANGED,
        on=on,
        reason=reason,
        before=before,
        after={"route": route.code},
    )
    return enrolment


@transaction.atomic
def set_external_identifiers(
    *, actor, enrolment: Enrolment, service_staff_id: str, hesa_number: str
) -> Enrolment:
    """Record the trainee's staff identifier in their service's clinical system (how a file holding several
    practitioners' contacts is matched to them) and their optional HESA or ULN number. Staff only."""
    from trainees.access import access_to

    if not access_to(actor, enrolment).can("record_placement"):
        raise DomainError("Only programme staff can record a trainee's identifiers.")
    service_staff_id = " ".join(service_staff_id.split())[:40]
    hesa_number = "".join(hesa_number.split())[:20]
    clash = (
        Enrolment.objects.filter(
            employing_service_id=enrolment.employing_service_id,
            service_staff_id=service_staff_id,
            status=Enrolment.Status.ACTIVE,
        ).exclude(pk=enrolment.pk)
        if service_staff_id
        else Enrolment.objects.none()
    )
    if clash.exists():
        raise DomainError(
            f"Another trainee at {enrolment.employing_service} already has the staff identifier "
            f"{service_staff_id}."
        )
    before = {"service_staff_id": enrolment.service_staff_id, "hesa_number": enrolment.hesa_number}
    enrolment.service_staff_id = service_staff_id
    enrolment.hesa_number = hesa_number
    enrolment.save(update_fields=["service_staff_id", "hesa_number"])
    record_event(
        actor=actor,
        action="enrolment.identifiers_recorded",
        obj=enrolment,
        before=before,
        after={"service_staff_id": service_staff_id, "hesa_number": hesa_number},
    )
    return enrolment
