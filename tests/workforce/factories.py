"""Workforce test data. `staff_service` builds a whole service in a handful of bulk queries, so query-count
tests can compare 10 people with 1,000."""

from datetime import date
from decimal import Decimal

import factory

from accounts.models import User
from tests import factories as f
from tests.trainees.factories_supervision import SiteFactory
from workforce.models import (
    Application,
    ApplicationOutcome,
    DiversityAnswers,
    Post,
    Practitioner,
    Recruitment,
)


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    user = factory.SubFactory(f.UserFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    practitioner = factory.SubFactory(PractitionerFactory)
    service = factory.SubFactory(f.ServiceFactory)
    job_title = "Psychological wellbeing practitioner"
    band = 5
    starts_on = date(2022, 1, 1)
    recorded_by = factory.SubFactory(f.UserFactory)


def staff_service(n: int, *, service=None, recorder=None, qualified_on=date(2022, 9, 1)):
    """`n` people who qualified together into band 5 posts at one site of a service; every fifth one left for
    high-intensity training after a year; each has diversity answers."""
    service = service or f.ServiceFactory()
    site = SiteFactory(service=service, name="Main site")
    recorder = recorder or f.UserFactory()
    cohort = f.CohortFactory(name="Cohort of 2021")
    users = User.objects.bulk_create([User(username=f"wf-{service.code}-{i}") for i in range(n)])
    practitioners = Practitioner.objects.bulk_create(
        [Practitioner(user=u, qualified_on=qualified_on, qualifying_cohort=cohort) for u in users]
    )
    posts = []
    for i, p in enumerate(practitioners):
        common = {"practitioner": p, "service": service, "site": site, "recorded_by": recorder}
        posts.append(
            Post(
                **common,
                job_title="Trainee PWP",
                band=4,
                starts_on=date(2021, 9, 1),
                ends_on=date(2022, 8, 31),
                wte=Decimal("1.00"),
            )
        )
        leaver = i % 5 == 0
        posts.append(
            Post(
                **common,
                job_title="PWP",
                band=5,
                starts_on=qualified_on,
                ends_on=date(2023, 8, 31) if leaver else None,
                leaving_reason="career" if leaver else "",
                destination="high_intensity" if leaver else "",
            )
        )
    Post.objects.bulk_create(posts)
    DiversityAnswers.objects.bulk_create(
        [
            DiversityAnswers(
                user=u, sex="female" if i % 4 else "male", age_band="20_29", ethnic_group="white_british"
            )
            for i, u in enumerate(users)
        ]
    )
    # The round they were recruited in, and as many again who applied and were not appointed.
    recruitment = Recruitment.objects.create(
        service=service,
        name=f"Trainee PWPs {service.code}",
        posts_offered=n,
        opens_on=date(2023, 10, 1),
        closes_on=date(2023, 10, 31),
        recorded_by=recorder,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                recruitment=recruitment,
                reference=f"APP-{i:05d}",
                outcome="appointed" if i % 2 else "not_shortlisted",
                prior_background="psychology" if i % 3 else "support_worker",
                sex="female" if i % 4 else "male",
                age_band="20_29",
                recorded_by=recorder,
            )
            for i in range(2 * n)
        ]
    )
    # Each decided six weeks after the round closed (the outcome's dated step, which the reports read).
    ApplicationOutcome.objects.bulk_create(
        [
            ApplicationOutcome(
                application=a, outcome=a.outcome, decided_on=date(2023, 12, 12), recorded_by=recorder
            )
            for a in applications
        ]
    )
    return service, site, practitioners
