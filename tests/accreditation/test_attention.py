"""Who needs attention: the educator's list across their cohorts, its filters, its export and its cost."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.attention import attention_list, training_days_reason
from assessments.deadlines import add_working_days
from assessments.models import Attempt, SubmissionDeadline
from assessments.selectors import resits_due_for
from core.dates import long_date
from tests import factories as f
from tests.assessments import factories_assessments as fa
from tests.trainees.pins import REMEMBERING
from trainees.attendance.selectors import training_days_progress_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(curriculum):
    fa.ensure_reference()
    cohort = f.CohortFactory(name="Cohort North")
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    waiting, resit, quiet = (
        f.EnrolmentFactory(cohort=cohort, user=f.UserFactory(first_name=n, last_name="Test"))
        for n in ("Wendy", "Rita", "Quentin")
    )
    # First marking is due back 15 working days after submission (the programme's return period).
    cohort.programme.marking_return_working_days = 15
    cohort.programme.save(update_fields=["marking_return_working_days"])
    late = fa.submit(waiting)
    Attempt.objects.filter(pk=late.pk).update(submitted_on=timezone.localdate() - timedelta(days=30))
    fa.failed(resit)
    return {"cohort": cohort, "educator": educator, "waiting": waiting, "resit": resit, "quiet": quiet}


def by_trainee(found):
    return {row.enrolment.pk: row for row in found.rows}


def test_each_reason_is_the_owning_areas_verdict_in_words(staffed):
    today = timezone.localdate()
    rows = by_trainee(attention_list(staffed["educator"], on=today))
    marking = [r for r in rows[staffed["waiting"].pk].reasons if r.code == "marking"]
    due_back = add_working_days(timezone.localdate() - timedelta(days=30), 15)
    assert [r.text for r in marking] == [
        f"Marking overdue: 1 attempt past the return date, the oldest due back on {long_date(due_back)}"
    ]
    resits = [r for r in rows[staffed["resit"].pk].reasons if r.code == "resits"]
    assert resits and resits[0].text == "Resit pending: Behavioural activation"
    # Training days come from the attendance engine, judged by the list's rule (tests/accreditation/
    # test_attention_rules.py holds each rule's boundary).
    progress = training_days_progress_for([staffed["quiet"]], on=today)[staffed["quiet"].pk]
    quiet_codes = (
        {r.code for r in rows[staffed["quiet"].pk].reasons} if staffed["quiet"].pk in rows else set()
    )
    assert ("training_days" in quiet_codes) == (training_days_reason(progress, on=today) is not None)
    assert "marking" not in quiet_codes and "resits" not in quiet_codes
    # Each reason says why and what to do.
    assert all(r.text and r.action for row in rows.values() for r in row.reasons)


def test_a_deadline_passed_with_nothing_submitted_names_the_trainee(staffed):
    today = timezone.localdate()
    cohort, quiet = staffed["cohort"], staffed["quiet"]
    written = fa.component(cohort.programme, "m1-written")
    SubmissionDeadline.objects.create(cohort=cohort, component=written, due_on=today - timedelta(days=1))
    rows = by_trainee(attention_list(staffed["educator"], on=today, reason="deadlines"))
    assert quiet.pk in rows
    [missed] = [r for r in rows[quiet.pk].reasons if r.code == "deadlines"]
    assert missed.text.startswith(f"Nothing submitted for {written.name}")
    # Due today is not yet missed; a submission, even a late one, clears it.
    day_before = today - timedelta(days=1)
    assert quiet.pk not in by_trainee(attention_list(staffed["educator"], on=day_before, reason="deadlines"))
    fa.submit(quiet, "m1-written")
    assert quiet.pk not in by_trainee(attention_list(staffed["educator"], on=today, reason="deadlines"))


def test_most_severe_first_then_the_oldest(staffed):
    found = attention_list(staffed["educator"], on=timezone.localdate())
    keys = [row.sort_key for row in found.rows]
    assert keys == sorted(keys)
    for row in found.rows:
        assert [r.sort_key for r in row.reasons] == sorted(r.sort_key for r in row.reasons)


def test_the_list_filters_by_reason_and_cohort(client, staffed):
    client.force_login(staffed["educator"])
    url = reverse("accreditation:attention")
    page = client.get(url, {"reason": "resits"})
    assert [row.enrolment for row in page.context["attention"].rows] == [staffed["resit"]]
    assert "Resit pending: Behavioural activation" in page.text
    # A cohort the educator does not teach shows nothing, whatever its code.
    other = f.EnrolmentFactory()
    fa.failed(other)
    page = client.get(url, {"cohort": other.cohort.code})
    assert page.context["attention"].rows == []
    assert other.user.display_name not in page.text
    page = client.get(url, {"cohort": staffed["cohort"].code, "reason": "marking"})
    assert [row.enrolment for row in page.context["attention"].rows] == [staffed["waiting"]]


def test_the_home_page_shows_the_most_urgent_with_a_link_to_the_whole_list(client, staffed):
    client.force_login(staffed["educator"])
    page = client.get(reverse("home"))
    assert "Who needs attention" in page.text
    assert "Resit pending: Behavioural activation" in page.text
    assert reverse("accreditation:attention") in page.text


def test_a_trainee_or_supervisor_has_no_attention_list(client, staffed):
    client.force_login(staffed["resit"].user)
    assert client.get(reverse("accreditation:attention")).status_code == 403
    assert "Who needs attention" not in client.get(reverse("home")).text


def test_the_export_is_the_same_list_in_a_workbook(client, staffed):
    client.force_login(staffed["educator"])
    response = client.get(reverse("accreditation:attention_export"), {"reason": "resits"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Trainee", "Student number", "Cohort")
    assert len(rows) == 2 and rows[1][0] == "Rita Test" and "Resit pending" in rows[1][4]
    assert sheet.page_setup.orientation == "landscape"


# One query for the capability check, one for the cohorts, one for the enrolments, one for their interruptions
# and leave (read once for supervision, the training days and the caseload), and each area's fixed bulk reads
# (the missed deadlines' two among them; the resits' one, and the competence statuses as someone has failed),
# plus the session and user: the same for 1 cohort of 10 as for 10 cohorts of 40.
# Remembered, and so read and written here: each trainee's reasons from their records, and within them the
# training days, supervision, caseload and competences.
ATTENTION_PAGE_QUERIES = 36 + 5 * REMEMBERING


def test_resits_are_read_for_those_who_failed_alone(staffed, django_assert_num_queries):
    everyone = [staffed["waiting"], staffed["resit"], staffed["quiet"]]
    assert resits_due_for(everyone, on=timezone.localdate()) == {
        staffed["resit"].pk: ["Behavioural activation"]
    }
    # Nobody asked about has an agreed fail: one query, and no competence statuses worked out.
    with django_assert_num_queries(1):
        assert resits_due_for([staffed["waiting"], staffed["quiet"]], on=timezone.localdate()) == {}


@pytest.mark.parametrize(("cohorts", "per_cohort"), [(1, 10), (10, 40)])
def test_the_attention_list_costs_the_same_queries_for_1_to_10_cohorts(
    client, curriculum, cohorts, per_cohort, django_assert_num_queries
):
    fa.ensure_reference()
    programme = f.ProgrammeFactory()
    educator = f.ProgrammeMembershipFactory(programme=programme).user
    service = f.ServiceFactory()
    for _ in range(cohorts):
        cohort = f.CohortFactory(programme=programme)
        enrolments = f.EnrolmentFactory.create_batch(per_cohort, cohort=cohort, employing_service=service)
        SubmissionDeadline.objects.create(
            cohort=cohort, component=fa.component(programme, "m1-written"), due_on=cohort.start_date
        )
    fa.failed(enrolments[0])
    client.force_login(educator)
    url = reverse("accreditation:attention")
    with django_assert_num_queries(ATTENTION_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["attention"].trainees_checked == cohorts * per_cohort
