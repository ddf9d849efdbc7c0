"""Query counts of pages `bench_pages` measures that no area's own tests pin yet, the same for 10 and 200.

(The cohort page, competence grid, cohort readiness, trainee page, attendance, supervision, caseload,
supervisor home and visit pages are pinned beside their areas' tests.)
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from tests import factories as f
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db

# Both include the header's unread notifications count (1); the educator's home also lists the ten trainees
# who most need attention (32: every area's bulk read once, whatever the number of trainees; one more once a
# submission deadline has passed).
MARKING_QUEUE_QUERIES = 10  # and the page's submission deadlines for its lateness (1)
EDUCATOR_HOME_QUERIES = 46


def waiting_attempts(cohort, size):
    """`size` trainees of `cohort`, each with an attempt waiting for first marking, on different days."""
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    component = fa.component(cohort.programme, "m1-written")
    Attempt.objects.bulk_create(
        Attempt(
            enrolment=e,
            component=component,
            number=1,
            method=component.methods[0],
            submitted_on=timezone.localdate() - timedelta(days=index % 30),
            submitted_by=e.user,
        )
        for index, e in enumerate(enrolments)
    )
    return enrolments


@pytest.mark.parametrize("size", [10, 200])
def test_the_marking_queue_costs_the_same_queries_and_pages_in_the_database(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    waiting_attempts(cohort, size)
    waiting_attempts(f.CohortFactory(), 5)  # another programme's: never in this educator's queue
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    client.force_login(educator)
    with django_assert_num_queries(MARKING_QUEUE_QUERIES):
        response = client.get(reverse("assessments:queue"))
    assert response.status_code == 200
    page = response.context["table"].page
    assert page.paginator.count == size
    assert len(page.object_list) == min(size, 50)
    days = [row.record.attempt.submitted_on for row in page.object_list]
    assert days == sorted(days)  # oldest first, ordered by the database


@pytest.mark.parametrize("size", [10, 200])
def test_the_educators_home_costs_the_same_queries_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    waiting_attempts(cohort, size)
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    cohort.educators.add(educator)
    client.force_login(educator)
    with django_assert_num_queries(EDUCATOR_HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f"{size} attempts waiting" in response.content.decode()
