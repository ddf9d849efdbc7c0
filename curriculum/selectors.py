"""Reads for programmes and cohorts, scoped to what the person asking may see."""

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Subquery, Value, When

from accounts.access import refuse
from accounts.models import OrganisationMembership
from curriculum.models import Cohort, Competence, Intervention, Programme, ProgrammeMembership, Route


def intervention_choices() -> list[tuple[int, str]]:
    """(id, name) of every intervention in the curriculum's order, for a list to choose from: one plain query
    (a model choice field reads its options through a server-side cursor, three round trips on PostgreSQL)."""
    return list(Intervention.objects.order_by("order", "name").values_list("pk", "name"))


def _admin_of_hei(user, hei_ref: str):
    return Exists(
        OrganisationMembership.objects.filter(
            organisation=OuterRef(hei_ref), user=user, role=OrganisationMembership.Role.ADMINISTRATOR
        )
    )


def programmes_for_user(user) -> QuerySet[Programme]:
    """Programmes a person teaches on or administers."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return (
        Programme.objects.filter(
            Exists(ProgrammeMembership.objects.filter(programme=OuterRef("pk"), user=user))
            | _admin_of_hei(user, "hei")
        )
        .select_related("hei", "edition")
        .order_by("name")
    )


def administered_programmes(user) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(_admin_of_hei(user, "hei")).select_related("hei", "edition")


def cohorts_for_user(user) -> QuerySet[Cohort]:
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (
        Cohort.objects.filter(
            Exists(ProgrammeMembership.objects.filter(programme=OuterRef("programme"), user=user))
            | _admin_of_hei(user, "programme__hei")
        )
        .select_related("programme", "programme__hei")
        .order_by("-start_date", "code")
    )


def get_programme_for_user(user, code: str) -> Programme:
    programme = programmes_for_user(user).filter(code=code).first()
    if programme is None:
        raise refuse(user, "programme", code)
    return programme


def _role_on_programme(user, programme_ref: str):
    """`programme_role` below as one SQL expression: administrator of the programme's education provider
    first, else the person's programme membership role, else NULL."""
    membership = ProgrammeMembership.objects.filter(programme=OuterRef(programme_ref), user=user)
    return Case(
        When(_admin_of_hei(user, f"{programme_ref}__hei"), then=Value("administrator")),
        default=Subquery(membership.values("role")[:1]),
        output_field=CharField(),
    )


def get_cohort_for_user(user, code: str) -> Cohort:
    """The cohort, if the person may see it; the person's role on its programme is read in the same query
    and kept on the programme, so the access policy's programme rules ask nothing more of the database."""
    cohort = (
        cohorts_for_user(user)
        .filter(code=code)
        .annotate(viewer_role=_role_on_programme(user, "programme"))
        .first()
    )
    if cohort is None:
        raise refuse(user, "cohort", code)
    cohort.programme.__dict__.setdefault("_known_roles", {})[user.pk] = cohort.viewer_role
    return cohort


def programme_role(user, programme: Programme) -> str | None:
    """'administrator', 'programme_lead', 'educator' or None (already known when the programme came with
    its cohort from `get_cohort_for_user` for this person)."""
    known = programme.__dict__.get("_known_roles", {})
    if user.pk in known:
        return known[user.pk]
    if OrganisationMembership.objects.filter(
        organisation_id=programme.hei_id, user=user, role=OrganisationMembership.Role.ADMINISTRATOR
    ).exists():
        return "administrator"
    membership = ProgrammeMembership.objects.filter(programme=programme, user=user).first()
    return membership.role if membership else None


def competences_for_edition(edition_id: int) -> QuerySet[Competence]:
    return Competence.objects.filter(edition_id=edition_id).select_related("module", "intervention")


def route_requirements(route: Route) -> list[dict]:
    """Per module: university and workplace days required on a route."""
    return [
        {
            "module": rm.module,
            "university_days": rm.university_days,
            "workplace_days": rm.workplace_days,
        }
        for rm in route.route_modules.select_related("module").order_by("module__number")
    ]


def programme_staff_for(programme_ids) -> dict[int, tuple[int, ...]]:
    """The educators and leads of each programme, as user ids (one query)."""
    result: dict[int, tuple[int, ...]] = dict.fromkeys(programme_ids, ())
    for programme_id, user_id in (
        ProgrammeMembership.objects.filter(programme_id__in=list(result))
        .order_by("programme_id", "user_id")
        .values_list("programme_id", "user_id")
    ):
        result[programme_id] = (*result[programme_id], user_id)
    return result


def routes_offered(programme: Programme) -> QuerySet[Route]:
    """The routes a programme teaches: those it chose, or every route of its curriculum edition."""
    chosen = programme.routes_offered.filter(edition_id=programme.edition_id)
    if chosen.exists():
        return chosen.order_by("name")
    return Route.objects.filter(edition_id=programme.edition_id).order_by("name")


def cohort_routes(cohort: Cohort) -> QuerySet[Route]:
    """The routes a cohort's trainees may follow: the cohort's own choice among the routes its programme
    offers, or all of those. Intake files, enrolment and changes of route accept only these."""
    offered = routes_offered(cohort.programme)
    chosen = offered.filter(pk__in=cohort.routes.values("pk"))
    return chosen if chosen.exists() else offered
