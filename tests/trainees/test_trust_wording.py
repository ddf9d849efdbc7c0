"""Words a user would write: no "(past)" on an assignment still to come, no "never an nhs number", no
"0.0 h clinical skills short"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from trainees.caseload.forms import MappingForm
from trainees.supervision.engine import Compliance
from trainees.supervision.selectors import SuperviseeRow

pytestmark = pytest.mark.django_db


def test_a_supervisee_whose_assignment_is_still_to_come_is_not_labelled_past(client, world):
    supervisor = world.user("supervisor")
    starts = timezone.localdate() + timedelta(days=10)
    later = f.EnrolmentFactory(cohort=world.enrolment.cohort)
    f.SupervisorAssignmentFactory(enrolment=later, supervisor=supervisor, starts_on=starts)
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:supervisor", args=[supervisor.pk])).content.decode()
    assert f"(starts on {starts:%-d %B %Y})" in page
    assert "(past)" not in page


def test_the_column_hints_keep_their_capitals():
    hint = MappingForm().fields["heading_case_reference"].help_text
    assert "never an NHS number" in hint and hint[0].isupper()


def test_a_visitor_opening_the_visits_list_is_sent_to_their_visits(client, world):
    client.force_login(world.user("visitor"))
    response = client.get(reverse("portfolios:visits"))
    assert response.status_code == 302 and response["Location"] == reverse("home") + "#my-visits"
    assert "My accreditation visits" in client.get(response["Location"]).content.decode()


def _row(world, **figures):
    fields = dict.fromkeys(Compliance.__dataclass_fields__)
    values = {"missed_weeks": (), "overdue_cases": (), "clinical_skills_shortfall_hours": 0.0, "gaps": ("x",)}
    return SuperviseeRow(world.enrolment, [], True, Compliance(**{**fields, **values, **figures}))


def test_a_supervisees_gaps_are_only_the_ones_there_are_in_words(world):
    short = _row(world, missed_weeks=("w",), clinical_skills_shortfall_hours=107 + 2 / 3)
    assert short.gap_summary == "1 missed week, 107 hours 40 minutes of clinical-skills supervision short"
    nothing_short = _row(world, overdue_cases=("a", "b"), clinical_skills_shortfall_hours=0.004)
    assert nothing_short.gap_summary == "2 overdue reviews"


def test_the_supervisor_page_writes_a_shortfall_in_hours_and_minutes(client, world):
    supervisor = world.user("supervisor")
    client.force_login(world.user("educator"))
    page = client.get(reverse("trainees:supervisor", args=[supervisor.pk])).content.decode()
    assert "clinical-skills supervision short" in page
    assert " h clinical skills short" not in page and "0 missed weeks" not in page


def test_the_supervision_pages_write_confirmed_hours_in_hours_and_minutes(client, world):
    from tests.trainees.factories_supervision import SessionFactory, VerifiedTrainingFactory

    supervisor = world.user("supervisor")
    VerifiedTrainingFactory(supervisor=supervisor, completed_on=world.enrolment.start_date)
    SessionFactory(enrolment=world.enrolment, supervisor=supervisor, minutes=100, confirmed=True)
    client.force_login(world.user("trainee"))
    page = client.get(reverse("trainees:supervision", args=[world.enrolment.pk])).content.decode()
    assert "1 hour 40 minutes confirmed, 1 hour 40 minutes with a credentialed supervisor" in page
    assert "1.67" not in page
    client.force_login(world.user("educator"))
    detail = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert "1 hour 40 minutes of case management" in detail and "1.67" not in detail


@pytest.mark.parametrize(
    "shortfall, words", [(0, "None"), (0.004, "None"), (1 + 2 / 3, "1 hour 40 minutes"), (0.25, "15 minutes")]
)
def test_the_portfolio_writes_the_clinical_skills_shortfall_in_hours_and_minutes(shortfall, words):
    from django.template.loader import render_to_string

    html = render_to_string(
        "pdf/sections/supervision.html", {"section": {"clinical_skills_shortfall_hours": shortfall}}
    )
    assert f'Clinical-skills shortfall</th><td class="nhsuk-table__cell">{words}</td>' in html
