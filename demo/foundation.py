"""People, organisations, programmes, cohorts, enrolments and supervisor assignments for the demo."""

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Organisation, OrganisationMembership, User
from accounts.services import grant_organisation_role
from accreditation.models import Visit, VisitAssignment
from curriculum.models import Cohort, CurriculumEdition, Programme, ProgrammeMembership, Route
from demo import DEMO_PASSWORD
from trainees.enrolment.services import assign_supervisor, complete_enrolment, enrol_trainee
from trainees.models import Enrolment, SupervisorAssignment, SupervisorProfile
from trainees.supervision.services import save_supervisor_profile


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class CohortPlan:
    code: str
    months_ago: float
    trainees: list[tuple[str, str, str, str]]  # username, first, last, route code


NORTHVALE_COHORTS = [
    CohortPlan(
        "nv-cohort-1",
        14,
        [("trainee.done", "Dana", "Okafor", "standard"), ("priya.shah", "Priya", "Shah", "standard")],
    ),
    CohortPlan(
        "nv-cohort-2",
        10.5,
        [
            ("trainee.late", "Liam", "Turner", "standard"),
            ("grace.evans", "Grace", "Evans", "standard"),
            ("mohammed.ali", "Mohammed", "Ali", "standard"),
        ],
    ),
    CohortPlan(
        "nv-cohort-3",
        5.3,
        [
            ("trainee.mid", "Maya", "Patel", "standard"),
            ("trainee.cpd", "Chris", "Doyle", "cpd"),
            ("sophie.brown", "Sophie", "Brown", "standard"),
            ("tom.wilson", "Tom", "Wilson", "standard"),
        ],
    ),
    CohortPlan(
        "nv-cohort-4",
        0.4,
        [("trainee.new", "Nina", "Reid", "standard"), ("aisha.khan", "Aisha", "Khan", "standard")],
    ),
]


def supervisor_profile(supervisor, background, experience, qualified_on):
    if not SupervisorProfile.objects.filter(user=supervisor).exists():
        save_supervisor_profile(
            actor=supervisor,
            supervisor=supervisor,
            professional_background=background,
            pwp_experience=experience,
            qualified_as_pwp_on=qualified_on,
        )


@functools.cache
def _demo_password_hash() -> str:
    """Every demo login shares one password, so it is hashed once: the production hasher takes a large
    fraction of a second each time, which for the demo's ninety people was most of `seed_demo`'s time."""
    return make_password(DEMO_PASSWORD)


def person(username: str, first: str, last: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.nhs.uk", **extra},
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed(today: date) -> dict:
    edition = CurriculumEdition.objects.get(is_current=True)
    routes = {route.code: route for route in Route.objects.filter(edition=edition)}

    northvale, _ = Organisation.objects.get_or_create(
        code="northvale-university",
        defaults={"name": "University of Northvale", "kind": Organisation.Kind.HEI},
    )
    southmere, _ = Organisation.objects.get_or_create(
        code="southmere-university", defaults={"name": "Southmere University", "kind": Organisation.Kind.HEI}
    )
    nv_service, _ = Organisation.objects.get_or_create(
        code="northvale-talking-therapies",
        defaults={"name": "Northvale NHS Talking Therapies", "kind": Organisation.Kind.SERVICE},
    )
    riverside, _ = Organisation.objects.get_or_create(
        code="riverside-talking-therapies",
        defaults={"name": "Riverside Talking Therapies", "kind": Organisation.Kind.SERVICE},
    )
    sm_service, _ = Organisation.objects.get_or_create(
        code="southmere-talking-therapies",
        defaults={"name": "Southmere NHS Talking Therapies", "kind": Organisation.Kind.SERVICE},
    )

    admin = person("admin", "Alex", "Morgan", is_staff=True, is_superuser=True)
    grant_organisation_role(
        actor=None, user=admin, organisation=northvale, role=OrganisationMembership.Role.ADMINISTRATOR
    )
    educator = person("educator", "Elaine", "Hughes")
    lead = person("lead", "Lewis", "Grant")
    educator2 = person("educator2", "Edward", "Sims")
    supervisor = person("supervisor", "Sam", "Fletcher")
    supervisor2 = person("supervisor2", "Ruth", "Adeyemi")
    # Only a qualified practitioner with a supervisor profile can be assigned as a supervisor.
    supervisor_profile(
        supervisor,
        "Graduate mental health worker, then PWP; senior PWP since 2019.",
        "Nine years as a PWP; supervises trainees and qualified PWPs.",
        date(2016, 9, 1),
    )
    supervisor_profile(supervisor2, "Counselling psychologist.", "Six years as a PWP.", date(2019, 3, 1))
    visitor = person("visitor", "Victoria", "Lane")

    programme, _ = Programme.objects.get_or_create(
        code="northvale-pwp",
        defaults={
            "name": "PGCert Psychological Wellbeing Practice (Northvale)",
            "hei": northvale,
            "award": Programme.Award.PGCERT,
            "level": 7,
            "edition": edition,
            "accredited_until": date(today.year + 3, 8, 31),
        },
    )
    other, _ = Programme.objects.get_or_create(
        code="southmere-pwp",
        defaults={
            "name": "Graduate Certificate Low-Intensity Psychological Interventions (Southmere)",
            "hei": southmere,
            "award": Programme.Award.GRADCERT,
            "level": 6,
            "edition": edition,
            "accredited_until": date(today.year + 2, 8, 31),
        },
    )
    for user, prog, role in [
        (educator, programme, ProgrammeMembership.Role.EDUCATOR),
        (lead, programme, ProgrammeMembership.Role.PROGRAMME_LEAD),
        (educator2, other, ProgrammeMembership.Role.PROGRAMME_LEAD),
    ]:
        ProgrammeMembership.objects.get_or_create(programme=prog, user=user, defaults={"role": role})

    cohorts = {}
    for index, plan in enumerate(NORTHVALE_COHORTS):
        start = _monday_on_or_before(today - timedelta(days=round(plan.months_ago * 30.44)))
        cohort, created = Cohort.objects.get_or_create(
            code=plan.code,
            defaults={
                "programme": programme,
                "name": f"Northvale PWP {start:%B %Y} intake",
                "intake": f"{start:%B %Y}",
                "start_date": start,
            },
        )
        if created:
            cohort.educators.add(educator, lead)
        cohorts[plan.code] = cohort
        service = nv_service if index % 2 == 0 else riverside
        for username, first, last, route_code in plan.trainees:
            trainee = person(username, first, last)
            enrolment = Enrolment.objects.filter(user=trainee, cohort=cohort).first()
            if enrolment is None:
                enrolment = enrol_trainee(
                    actor=None,
                    user=trainee,
                    cohort=cohort,
                    route=routes[route_code],
                    start_date=cohort.start_date,
                    employing_service=service,
                    band=5 if route_code == "cpd" else 4,
                )
            if not SupervisorAssignment.objects.filter(enrolment=enrolment).exists():
                main = supervisor if username.startswith("trainee.") else supervisor2
                for kind in (
                    SupervisorAssignment.Kind.CASE_MANAGEMENT,
                    SupervisorAssignment.Kind.CLINICAL_SKILLS,
                ):
                    assign_supervisor(
                        actor=None,
                        enrolment=enrolment,
                        supervisor=main,
                        kind=kind,
                        starts_on=cohort.start_date,
                    )
            if plan.months_ago > 12 and enrolment.status == Enrolment.Status.ACTIVE:
                complete_enrolment(
                    actor=None, enrolment=enrolment, completed_on=cohort.start_date + timedelta(days=350)
                )

    sm_start = _monday_on_or_before(today - timedelta(days=160))
    sm_cohort, _ = Cohort.objects.get_or_create(
        code="sm-cohort-1",
        defaults={
            "programme": other,
            "name": f"Southmere PWP {sm_start:%B %Y} intake",
            "intake": f"{sm_start:%B %Y}",
            "start_date": sm_start,
        },
    )
    for username, first, last in [("owen.price", "Owen", "Price"), ("hannah.lee", "Hannah", "Lee")]:
        trainee = person(username, first, last)
        if not Enrolment.objects.filter(user=trainee, cohort=sm_cohort).exists():
            enrol_trainee(
                actor=None,
                user=trainee,
                cohort=sm_cohort,
                route=routes["standard"],
                start_date=sm_start,
                employing_service=sm_service,
            )

    visit, _ = Visit.objects.get_or_create(
        programme=programme,
        title="BPS programme accreditation visit",
        defaults={
            "kind": Visit.Kind.PROGRAMME,
            "starts_on": today - timedelta(days=7),
            "ends_on": today + timedelta(days=28),
        },
    )
    VisitAssignment.objects.get_or_create(visit=visit, visitor=visitor)
    return {"programme": programme, "other_programme": other, "cohorts": cohorts, "visit": visit}
