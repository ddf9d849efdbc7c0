"""Supervisors for a whole cohort on one page: one row per trainee, only changes saved, history kept."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from tests import factories as f
from trainees.models import SupervisorAssignment, SupervisorProfile

pytestmark = pytest.mark.django_db
CM = SupervisorAssignment.Kind.CASE_MANAGEMENT


def test_a_new_choice_ends_the_current_supervisor_and_keeps_the_history(client, world):
    admin, enrolment = world.user("admin"), world.enrolment
    newcomer = world.user("other_supervisor")
    # Only a qualified practitioner with a supervisor profile can be assigned as a supervisor.
    SupervisorProfile.objects.get_or_create(user=newcomer, defaults={"qualified_as_pwp_on": date(2018, 9, 1)})
    client.force_login(admin)
    response = client.post(
        reverse("trainees:bulk_supervisors", args=[world.cohort.code]),
        {f"sup-{enrolment.pk}-{CM}": newcomer.pk},
    )
    assert response.status_code == 302
    today = timezone.localdate()
    current = SupervisorAssignment.objects.current(today).get(enrolment=enrolment, kind=CM)
    assert current.supervisor == newcomer and current.starts_on == today
    old = SupervisorAssignment.objects.get(enrolment=enrolment, kind=CM, supervisor=world.user("supervisor"))
    assert old.ends_on is not None
    assert AuditEvent.objects.filter(action="supervisor.assigned", object_id=str(current.pk)).exists()
    # The clinical-skills supervisor was left as it was.
    assert SupervisorAssignment.objects.current(today).get(
        enrolment=enrolment, kind="clinical_skills"
    ).supervisor == (world.user("supervisor"))


def test_the_page_costs_the_same_queries_for_a_few_and_many_trainees(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.user("admin"))
    url = reverse("trainees:bulk_supervisors", args=[world.cohort.code])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        enrolment = f.EnrolmentFactory(cohort=world.cohort)
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=world.user("supervisor"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
