"""An educator marks an attempt, and the programme lead moderates it; every page axe-clean."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt
from demo import assessments
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assessment_demo(demo):
    assessments.seed(timezone.localdate())
    return demo


def test_an_educator_marks_an_attempt_and_the_moderator_agrees(page, live_server, assessment_demo):
    login(page, live_server, "educator")
    page.get_by_role("link", name="Your marking queue").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Marking queue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Mark: Problem solving .*Maya Patel")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=re.compile("Mark Problem solving"))).to_be_visible()
    assert_accessible(page)
    # Submitting with nothing rated shows the NHS error pattern.
    page.get_by_role("button", name="Save marks").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    for index, select in enumerate(page.locator("select[name^=item_]").all()):
        select.select_option("1" if index in (3, 4) else "2")
    page.get_by_label("Feedback for the trainee").fill(
        "The rationale for problem solving was not explained and the steps were rushed."
    )
    page.get_by_role("button", name="Save marks").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Every fail is moderated: it now waits for moderation.")).to_be_visible()
    expect(page.get_by_text("Awaiting moderation").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login(page, live_server, "lead")
    page.get_by_role("link", name="Your marking queue").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile(r"^Moderate: Problem solving .*Maya Patel")).click()
    page.wait_for_load_state()
    expect(page.get_by_text("The rationale for problem solving was not explained")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, I agree with the first marker's outcome").check()
    page.get_by_role("button", name="Record moderation").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Moderation recorded: fail.")).to_be_visible()
    assert_accessible(page)

    attempt = Attempt.objects.get(enrolment__user__username="trainee.mid", competence__code="problem-solving")
    assert (
        attempt.status,
        attempt.outcome,
        attempt.first_marker.username,
        attempt.second_marker.username,
    ) == (
        "agreed",
        "failed",
        "educator",
        "lead",
    )


def test_the_grid_and_the_trainees_competence_page_are_accessible(page, live_server, assessment_demo):
    login(page, live_server, "lead")
    cohort = assessment_demo["cohorts"]["nv-cohort-3"]
    page.goto(f"{live_server.url}/assessments/cohorts/{cohort.code}/competences/")
    expect(page.get_by_role("heading", name=f"Competences in {cohort.name}")).to_be_visible()
    expect(page.get_by_text("Submitted (attempt 2 of 2)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Status").select_option("awaiting_moderation")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    # The filter is a GET form: expect() waits until the new page shows only the filtered trainee.
    expect(page.get_by_role("link", name="Sophie Brown")).to_be_visible()
    expect(page.get_by_role("link", name="Maya Patel")).to_be_hidden()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    login(page, live_server, "trainee.mid")
    page.get_by_role("link", name=assessment_demo["programme"].name).click()
    page.wait_for_load_state()
    expect(page.get_by_text("3 of 9 competences signed off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Competences, attempts and feedback")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My competences")).to_be_visible()
    # The resit is waiting: shown as such, not as the first attempt's fail.
    expect(page.get_by_text("Failed (attempt 1 of 2)")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Exposure therapy").first.click()
    page.wait_for_load_state()
    expect(page.get_by_text("Risk was not asked about directly")).to_be_visible()
    assert_accessible(page)
