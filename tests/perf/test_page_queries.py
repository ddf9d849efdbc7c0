"""Query counts of pages `bench_pages` measures that no area's own tests pin yet, the same for 10 and 200.

(The cohort page, competence grid, cohort readiness, trainee page, attendance, supervision, caseload,
supervisor home and visit pages are pinned beside their areas' tests; the portfolio PDF beside the
portfolio's.)
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from tests import factories as f
from tests.assessments import factories_assessments as fa
from tests.trainees.pins import REMEMBERING
from trainees.models import ServiceSite, SitePlacement

pytestmark = pytest.mark.django_db

# Both include the header's unread notifications count (1); the educator's home also lists the ten trainees
# who most need attention (every area's bulk read once, whatever the number of trainees, the cohorts the home
# has read and the interruptions and leave read once for three areas; one more once a submission deadline has
# passed, and nine more, the competences' statuses, only when someone in the cohorts has failed an attempt:
# issue 20 took the home from 44 queries to 32). One query asks which of the home's sections the person has
# anything in (their training, supervisees, cohorts, programmes administered, visits), and the lists of the
# others are not read: an educator's home no longer reads their (empty) training, supervisees and visits, nor
# the supervision panel (sessions waiting for their confirmation and their own supervisor training).
# The queue: the programmes marked on (1, read first so that the queue is planned from them) and the page's
# submission deadlines for its lateness (1).
MARKING_QUEUE_QUERIES = 11
EDUCATOR_HOME_QUERIES = 27 + 4 * REMEMBERING  # the reasons; training days, supervision, caseload
# The competence statuses of those who have failed an attempt (`competence_statuses_for`: 9, and one for the
# default assessment scheme of a programme that has chosen none, as here).
RESIT_STATUSES_QUERIES = 10 + REMEMBERING
# The same home seen again: the reasons read in one query in place of the 14 that work them out.
EDUCATOR_HOME_REMEMBERED = 27 - 14 + 1
# The trainee's home: their enrolments, supervisors and what waits for them, whatever the cohort's size.
TRAINEE_HOME_QUERIES = 8
# The administrator's home lists the attention list over every cohort of their provider, like the educator's.
ADMINISTRATOR_HOME_QUERIES = 27 + 4 * REMEMBERING
VISITOR_HOME_QUERIES = 8  # the visits assigned to the visitor
SERVICE_PAGE_QUERIES = 12  # the service, who may keep its sites, the sites and the trainees placed


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
    # Seen again: each trainee's reasons from their records are read in one query instead of worked out.
    with django_assert_num_queries(EDUCATOR_HOME_REMEMBERED):
        client.get(reverse("home"))


@pytest.mark.parametrize("size", [10, 200])
def test_the_educators_home_reads_competence_statuses_only_when_someone_failed(
    client, curriculum, size, django_assert_num_queries
):
    fa.ensure_reference()
    cohort = f.CohortFactory()
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    fa.failed(enrolments[-1])
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    cohort.educators.add(educator)
    client.force_login(educator)
    with django_assert_num_queries(EDUCATOR_HOME_QUERIES + RESIT_STATUSES_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Resit pending: Behavioural activation" in response.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_the_trainees_home_costs_the_same_queries_whatever_the_size_of_the_cohort(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    enrolment = waiting_attempts(cohort, size)[0]
    f.SupervisorAssignmentFactory(enrolment=enrolment)
    client.force_login(enrolment.user)
    with django_assert_num_queries(TRAINEE_HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert cohort.name in response.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_the_administrators_home_costs_the_same_queries_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    waiting_attempts(cohort, size)
    waiting_attempts(f.CohortFactory(programme=cohort.programme), 3)  # a second cohort of the provider's
    administrator = f.AdministratorFactory(organisation=cohort.programme.hei).user
    client.force_login(administrator)
    with django_assert_num_queries(ADMINISTRATOR_HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert cohort.name in response.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_the_visitors_home_costs_the_same_queries_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory()
    waiting_attempts(cohort, size)
    assignments = [f.VisitAssignmentFactory(visit__programme=cohort.programme) for _ in range(2)]
    visitor = assignments[0].visitor
    f.VisitAssignmentFactory(visit=assignments[1].visit, visitor=visitor)
    client.force_login(visitor)
    with django_assert_num_queries(VISITOR_HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "BPS programme visit" in response.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_the_services_page_costs_the_same_queries_for_10_and_200_trainees(
    client, curriculum, size, django_assert_num_queries
):
    service, cohort = f.ServiceFactory(), f.CohortFactory()
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=cohort, employing_service=service)
    # The education provider's administrator, as bench_pages measures (they keep the sites of services
    # employing their trainees).
    administrator = f.AdministratorFactory(organisation=cohort.programme.hei).user
    today = timezone.localdate()
    sites = [
        ServiceSite.objects.create(service=service, name=name, qualified_staff=3, counted_on=today)
        for name in ("North site", "South site")
    ]
    SitePlacement.objects.bulk_create(
        SitePlacement(enrolment=e, site=sites[index % 2], recorded_by=administrator)
        for index, e in enumerate(enrolments[: size // 2])
    )
    client.force_login(administrator)
    with django_assert_num_queries(SERVICE_PAGE_QUERIES):
        response = client.get(reverse("trainees:service", args=[service.code]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "North site" in content and "No site recorded" in content
