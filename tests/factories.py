"""Factories for the foundation's models. Later areas keep theirs in tests/<app>/factories.py."""

from datetime import timedelta

import factory
from django.utils import timezone
from faker import Faker

from accounts.models import Organisation, OrganisationMembership, User
from accreditation.models import Visit, VisitAssignment
from curriculum.models import Cohort, CurriculumEdition, Programme, ProgrammeMembership, Route
from trainees.models import Enrolment, SupervisorAssignment

PASSWORD = "correct-horse-battery-staple"
_FAKE = Faker("en_GB")
# Characters HTML escapes: a random "O'Sullivan" would fail any `name in page` check by chance. Names like
# that are tested on purpose instead (tests/test_names_with_apostrophes.py).
_ESCAPED = set("'&<>\"")


def _plain(kind: str) -> str:
    while True:
        value = getattr(_FAKE, kind)()
        if not _ESCAPED & set(value):
            return value


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(lambda: _plain("first_name"))
    last_name = factory.LazyFunction(lambda: _plain("last_name"))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.HEI


class ServiceFactory(OrganisationFactory):
    kind = Organisation.Kind.SERVICE
    name = factory.Sequence(lambda n: f"Talking Therapies service {n}")


def current_edition():
    return CurriculumEdition.objects.get(is_current=True)


def route(code="standard"):
    return Route.objects.get(edition__is_current=True, code=code)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"prog-{n}")
    name = factory.Sequence(lambda n: f"PGCert Psychological Wellbeing Practice {n}")
    hei = factory.SubFactory(OrganisationFactory)
    award = Programme.Award.PGCERT
    level = 7
    edition = factory.LazyFunction(current_edition)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"cohort-{n}")
    name = factory.Sequence(lambda n: f"Cohort {n}")
    intake = "January 2026"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=150))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    route = factory.LazyFunction(route)
    start_date = factory.LazyAttribute(lambda e: e.cohort.start_date)
    employing_service = factory.SubFactory(ServiceFactory)
    band = 4


class SupervisorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorAssignment

    enrolment = factory.SubFactory(EnrolmentFactory)
    supervisor = factory.SubFactory(UserFactory)
    kind = SupervisorAssignment.Kind.CASE_MANAGEMENT
    starts_on = factory.LazyAttribute(lambda a: a.enrolment.start_date)


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = ProgrammeMembership.Role.EDUCATOR


class AdministratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationMembership.Role.ADMINISTRATOR


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Visit.Kind.PROGRAMME
    title = "BPS programme visit"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class VisitAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitAssignment

    visit = factory.SubFactory(VisitFactory)
    visitor = factory.SubFactory(UserFactory)
