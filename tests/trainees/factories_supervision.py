"""Factories for supervision records. They write rows directly; behaviour tests go through the services."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests import factories as f
from trainees.models import (
    Case,
    ServiceSite,
    SupervisionSession,
    SupervisorReport,
    SupervisorTraining,
)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    service = factory.LazyAttribute(lambda c: c.enrolment.employing_service)
    reference = factory.Sequence(lambda n: f"SUP-T{n:05d}")
    opened_on = factory.LazyAttribute(lambda c: c.enrolment.start_date)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorTraining

    supervisor = factory.SubFactory(f.UserFactory)
    kind = SupervisorTraining.Kind.INITIAL
    provider = "Northvale University low-intensity supervisor training"
    provider_iapt_accredited = True
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    recorded_by = factory.SelfAttribute("supervisor")


class VerifiedTrainingFactory(TrainingFactory):
    verified_by = factory.SubFactory(f.UserFactory)
    verified_at = factory.LazyFunction(timezone.now)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session awaiting confirmation, logged by the trainee. Use `confirmed=True` for a confirmed one."""

    class Meta:
        model = SupervisionSession

    class Params:
        confirmed = factory.Trait(
            status=SupervisionSession.Status.CONFIRMED, confirmed_at=factory.LazyFunction(timezone.now)
        )

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    kind = SupervisionSession.Kind.CASE_MANAGEMENT
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    minutes = 60
    supervisor = factory.SubFactory(f.UserFactory)
    logged_by = factory.LazyAttribute(lambda s: s.enrolment.user)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorReport

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    supervisor = factory.SubFactory(f.UserFactory)
    kind = SupervisorReport.Kind.INTERIM
    period_start = factory.LazyAttribute(lambda r: r.enrolment.start_date)
    period_end = factory.LazyFunction(timezone.localdate)
    engagement = "Prepares cases and uses supervision well."
    clinical_skills = "Confident with behavioural activation."
    case_management = "Caseload well organised."
    values = "Respectful and inclusive."
    strengths = "Warmth and structure."
    development = "Exposure work."
    progress = SupervisorReport.Progress.MEETING


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceSite

    service = factory.SubFactory(f.ServiceFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    qualified_staff = 2
    counted_on = factory.LazyFunction(timezone.localdate)
