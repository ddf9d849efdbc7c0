from datetime import date

import pytest
from django.urls import reverse

from accounts.services import DomainError
from core.dates import add_months
from curriculum.models import Route
from tests import factories as f
from tests.trainees.pins import COHORT_PAGE_QUERIES
from trainees.enrolment.services import enrol_trainee
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


def test_month_of_training_counts_from_the_start_date(curriculum):
    enrolment = f.EnrolmentFactory.build(start_date=date(2026, 1, 15), route=f.route())
    assert enrolment.month_of_training(date(2026, 1, 14)) == 0
    assert enrolment.month_of_training(date(2026, 1, 15)) == 1
    assert enrolment.month_of_training(date(2026, 2, 14)) == 1
    assert enrolment.month_of_training(date(2026, 2, 15)) == 2
    assert enrolment.month_of_training(date(2026, 12, 20)) == 12
    assert enrolment.nominal_window_end == date(2027, 1, 15)


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_route_from_another_curriculum_edition_is_refused(curriculum):
    cohort = f.CohortFactory()
    old_route = Route.objects.get(edition__code="pwp-2011", code="standard")
    with pytest.raises(DomainError, match="curriculum edition"):
        enrol_trainee(
            actor=None,
            user=f.UserFactory(),
            cohort=cohort,
            route=old_route,
            start_date=cohort.start_date,
            employing_service=f.ServiceFactory(),
        )
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_page_costs_the_same_queries_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    f.EnrolmentFactory.create_batch(size, cohort=cohort)
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    client.force_login(educator)
    url = reverse("trainees:cohort", args=[cohort.code]) + "?per_page=500"
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'href="/trainees/') == size


def test_the_cohort_table_filters_by_status(client, curriculum):
    cohort = f.CohortFactory()
    active = f.EnrolmentFactory(cohort=cohort)
    withdrawn = f.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    response = client.get(reverse("trainees:cohort", args=[cohort.code]), {"status": "withdrawn"})
    assert withdrawn.user.display_name in response.content.decode()
    assert active.user.display_name not in response.content.decode()
