"""The trainee page: each area's facts are read once in the view, so its query count is pinned and does not
grow with the record."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.trainees.factories_caseload import CaseFactory, ContactFactory
from tests.trainees.factories_supervision import SessionFactory, VerifiedTrainingFactory

pytestmark = pytest.mark.django_db

# Session and user (2); the enrolment with what the viewer is to the trainee (1, the access policy); current
# supervisors (1); interruptions, read once for the training days and the caseload clock (1); training days
# (5); work waiting for a decision (1); competences (9, the assessments app's own tag, whether marks show
# asked of the same access object); supervision compliance (5); caseload (2: its settings and the cases; one
# more for the default ramp when the programme chose none);
# saving the session (3); the enrolment's changes over time (1, two more only when there are moves to name);
# the header's unread notifications (1); late submissions and marking (1, the attempts; one more for the
# cohort's deadlines once there is an attempt). The same for every viewer.
QUERIES = {"educator": 33, "trainee": 33}


def _add_record(world, count):
    """`count` confirmed supervision sessions and `count` cases, each with one contact."""
    supervisor = world.user("supervisor")
    VerifiedTrainingFactory(supervisor=supervisor, completed_on=world.enrolment.start_date)
    today = timezone.localdate()
    for n in range(count):
        SessionFactory(
            enrolment=world.enrolment,
            supervisor=supervisor,
            date=today - timedelta(days=1 + n),
            kind=("case_management", "clinical_skills", "management")[n % 3],
            confirmed=True,
        )
        case = CaseFactory(enrolment=world.enrolment, opened_on=today - timedelta(days=30 + n))
        ContactFactory(case=case, date=today - timedelta(days=1 + n))


@pytest.mark.parametrize("persona", ["trainee", "educator"])
@pytest.mark.parametrize("records", [2, 20])
def test_the_trainee_page_costs_the_same_queries_however_long_the_record(
    client, world, persona, records, django_assert_num_queries
):
    _add_record(world, records)
    client.force_login(world.user(persona))
    url = reverse("trainees:detail", args=[world.enrolment.pk])
    with django_assert_num_queries(QUERIES[persona]):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    hours = {2: "1.0", 20: "7.0"}[records]  # every third session is case management, every third clinical
    assert f"Confirmed so far: {hours} hours of case management and {hours} hours of clinical skills" in page
    assert f"{records} open cases" in page
    assert "0 of 25 done, 25 outstanding" in page
