"""The trainee page: each area's facts are read once in the view, so its query count is pinned and does not
grow with the record."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.trainees.factories_caseload import CaseFactory, ContactFactory
from tests.trainees.factories_supervision import SessionFactory, VerifiedTrainingFactory
from tests.trainees.pins import REMEMBERING

pytestmark = pytest.mark.django_db

# Session and user (2); the enrolment with what the viewer is to the trainee (1, the access policy); current
# supervisors (1); training days (5: the interruptions come from the absences supervision reads); work waiting
# for a decision (1); competences (9, the assessments app's own tag, whether marks show asked of the same
# access object); supervision compliance (5, its absences read once for the page); caseload (2: its settings
# and the cases; one more for the default ramp when the programme chose none);
# saving the session (3); the enrolment's changes over time (1, two more only when there are moves to name);
# the header's unread notifications (1); late submissions and marking (1, the attempts; one more for the
# cohort's deadlines once there is an attempt). The same for every viewer.
# Four areas' facts are remembered (training days, supervision, caseload, competences): their rows read and
# written. Seen again, each is one read in place of its own queries (5, 4, 2 and 9).
QUERIES = {"educator": 32 + 4 * REMEMBERING, "trainee": 32 + 4 * REMEMBERING}
REMEMBERED = 32 - (5 + 4 + 2 + 9) + 4


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
    with django_assert_num_queries(REMEMBERED):
        assert client.get(url).status_code == 200
    # every third session is case management, every third clinical skills
    hours = {2: "1 hour", 20: "7 hours"}[records]
    assert f"Confirmed so far: {hours} of case management and {hours} of clinical skills" in page
    assert f"{records} open cases" in page
    assert "0 of 25 done, 25 outstanding" in page


def test_the_trainee_pages_facts_read_once_are_what_each_areas_own_selector_gives(world):
    """The page reads the absences once, hands the interruptions to the training days and the caseload
    clock and both kinds to supervision: each must come out as the area's own selector works it out, so
    leave never pauses the training clock and an interruption still does."""
    from trainees.access import enrolment_access_for
    from trainees.attendance.selectors import training_days_progress
    from trainees.caseload.selectors import caseload_figures
    from trainees.enrolment.page import trainee_page_facts
    from trainees.models import Interruption, Leave
    from trainees.supervision.selectors import supervision_compliance

    _add_record(world, 6)
    today = timezone.localdate()
    enrolment = world.enrolment
    Interruption.objects.create(
        enrolment=enrolment,
        starts_on=today - timedelta(days=40),
        ends_on=today - timedelta(days=20),
        reason=Interruption.Reason.SICKNESS,
        recorded_by=world.user("educator"),
    )
    Leave.objects.create(
        enrolment=enrolment,
        starts_on=today - timedelta(days=12),
        ends_on=today - timedelta(days=8),
        recorded_by=world.user("educator"),
    )
    facts = trainee_page_facts(enrolment_access_for(world.user("educator"), enrolment.pk), today=today)
    enrolment.refresh_from_db()
    assert facts.training_days == training_days_progress(enrolment, on=today)
    assert facts.caseload == caseload_figures(enrolment, on=today)
    assert facts.supervision == supervision_compliance(enrolment, end=today)
