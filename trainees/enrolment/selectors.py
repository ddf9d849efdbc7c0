"""Reads for enrolments, scoped to what the person asking may see."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.access import refuse
from accounts.models import OrganisationMembership
from curriculum.models import ProgrammeMembership
from trainees.models import Enrolment, Interruption, SupervisorAssignment


def enrolment_access(user, *, on: date | None = None) -> Q:
    """Who may read a trainee's record: the trainee, a current supervisor, programme staff, admins."""
    supervises = SupervisorAssignment.objects.current(on).filter(enrolment=OuterRef("pk"), supervisor=user)
    teaches = ProgrammeMembership.objects.filter(programme=OuterRef("cohort__programme"), user=user)
    administers = OrganisationMembership.objects.filter(
        organisation=OuterRef("cohort__programme__hei"),
        user=user,
        role=OrganisationMembership.Role.ADMINISTRATOR,
    )
    return Q(user=user) | Exists(supervises) | Exists(teaches) | Exists(administers)


def enrolments_for_user(user) -> QuerySet[Enrolment]:
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.with_people().filter(enrolment_access(user))


def get_enrolment_for_user(user, pk: int) -> Enrolment:
    enrolment = enrolments_for_user(user).filter(pk=pk).first()
    if enrolment is None:
        raise refuse(user, "trainee record", pk)
    return enrolment


def own_enrolments(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.with_people().filter(user=user).order_by("-start_date")


def supervisees(user) -> QuerySet[Enrolment]:
    """Trainees this person currently supervises, with their current assignments to this person."""
    current = SupervisorAssignment.objects.current().filter(supervisor=user)
    return (
        Enrolment.objects.with_people()
        .filter(Exists(current.filter(enrolment=OuterRef("pk"))))
        .prefetch_related(Prefetch("supervisor_assignments", queryset=current, to_attr="my_assignments"))
        .order_by("user__last_name", "user__first_name")
    )


def current_assignments(enrolment: Enrolment, *, on: date) -> list[SupervisorAssignment]:
    """The enrolment's supervisor assignments current on `on`, with the supervisor, by kind: one query."""
    return list(
        SupervisorAssignment.objects.current(on)
        .filter(enrolment=enrolment)
        .select_related("supervisor")
        .order_by("kind")
    )


def interruptions_for(enrolments) -> dict[int, list[Interruption]]:
    """Each enrolment's interruptions, earliest first, in one query whatever the number."""
    ids = [e.pk for e in enrolments]
    found: dict[int, list[Interruption]] = {pk: [] for pk in ids}
    for item in Interruption.objects.filter(enrolment_id__in=ids).order_by("starts_on", "pk"):
        found[item.enrolment_id].append(item)
    return found


def current_assignments_for(enrolments, *, on: date) -> dict[int, dict[str, tuple[int, ...]]]:
    """Each enrolment's current supervisors by kind, as user ids (one query): {pk: {kind: (user ids)}}."""
    ids = [e.pk for e in enrolments]
    result: dict[int, dict[str, tuple[int, ...]]] = {pk: {} for pk in ids}
    for enrolment_id, kind, supervisor_id in (
        SupervisorAssignment.objects.current(on)
        .filter(enrolment_id__in=ids)
        .order_by("enrolment_id", "kind", "supervisor_id")
        .values_list("enrolment_id", "kind", "supervisor_id")
    ):
        result[enrolment_id][kind] = (*result[enrolment_id].get(kind, ()), supervisor_id)
    return result
