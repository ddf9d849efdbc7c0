"""Reads for enrolments, scoped to what the person asking may see."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import OrganisationMembership
from curriculum.models import Cohort, ProgrammeMembership
from trainees.models import Enrolment, EnrolmentChange, Interruption, SupervisorAssignment


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
    """The record `pk` if `user` may see it (404, audited, if not): the access policy's one query, which
    is compiled once per process, so this costs the database's time and not the ORM's."""
    from trainees.access import enrolment_access_for  # the policy reads this module's querysets

    return enrolment_access_for(user, pk).enrolment


def own_enrolments(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.with_people().filter(user=user).order_by("-start_date")


def supervisees(user) -> QuerySet[Enrolment]:
    """Trainees this person currently supervises, with their person and cohort (all that the supervisor's
    pages show of them; not the route, edition and service `with_people` joins as well) and their current
    assignments to this person."""
    current = SupervisorAssignment.objects.current().filter(supervisor=user)
    return (
        Enrolment.objects.select_related("user", "cohort")
        .filter(Exists(current.filter(enrolment=OuterRef("pk"))))
        # By kind, the latest first, as the model orders them, without its joins to each trainee's cohort.
        .prefetch_related(
            Prefetch(
                "supervisor_assignments",
                queryset=current.order_by("kind", "-starts_on"),
                to_attr="my_assignments",
            )
        )
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


def cohorts_to_transfer_to(user, enrolment: Enrolment):
    """Cohorts a trainee may be moved to by `user`: those of programmes the person administers that follow
    the same curriculum edition, other than the trainee's own."""
    from curriculum.selectors import administered_programmes

    return (
        Cohort.objects.filter(
            programme__in=administered_programmes(user),
            programme__edition_id=enrolment.cohort.programme.edition_id,
        )
        .exclude(pk=enrolment.cohort_id)
        .select_related("programme")
        .order_by("-start_date", "name")
    )


def routes_to_change_to(enrolment: Enrolment):
    """The routes the trainee's cohort offers, other than the one they are on."""
    from curriculum.selectors import cohort_routes

    return cohort_routes(enrolment.cohort).exclude(pk=enrolment.route_id)


def enrolment_changes(enrolment: Enrolment) -> list[dict]:
    """The trainee's withdrawal, transfers and changes of route, oldest first, each described in words
    (cohorts and routes by name). One query, and two more only when there are moves to name."""
    from curriculum.models import Route

    changes = list(
        EnrolmentChange.objects.filter(enrolment=enrolment)
        .select_related("recorded_by")
        .order_by("on", "recorded_at")
    )
    cohort_codes = {c.before.get("cohort") for c in changes} | {c.after.get("cohort") for c in changes}
    route_codes = {c.before.get("route") for c in changes} | {c.after.get("route") for c in changes}
    cohort_codes.discard(None)
    route_codes.discard(None)
    cohorts = (
        dict(Cohort.objects.filter(code__in=cohort_codes).values_list("code", "name")) if cohort_codes else {}
    )
    routes = (
        dict(
            Route.objects.filter(
                code__in=route_codes, edition_id=enrolment.cohort.programme.edition_id
            ).values_list("code", "name")
        )
        if route_codes
        else {}
    )
    rows = []
    for change in changes:
        if change.kind == EnrolmentChange.Kind.TRANSFERRED:
            old, new = (cohorts.get(c, c) for c in (change.before.get("cohort"), change.after.get("cohort")))
            what = f"Transferred from {old} to {new}"
        elif change.kind == EnrolmentChange.Kind.ROUTE_CHANGED:
            old, new = (routes.get(r, r) for r in (change.before.get("route"), change.after.get("route")))
            what = f"Route changed from {old} to {new}"
        else:
            what = change.get_kind_display()
        rows.append({"on": change.on, "what": what, "reason": change.reason, "by": change.recorded_by})
    return rows
