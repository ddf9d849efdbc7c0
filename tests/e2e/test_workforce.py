"""Browser journeys for careers and workforce: each report opens axe-clean; a practitioner suggests a
correction and an administrator confirms a qualified post."""

import pytest
from django.urls import reverse
from django.utils import timezone

from demo import supervision as supervision_demo
from demo import workforce as workforce_demo
from tests.e2e.conftest import assert_accessible, login
from workforce.models import Post, Recruitment
from workforce.reference import load_workforce_rules

pytestmark = pytest.mark.django_db(transaction=True)
SERVICE = "northvale-talking-therapies"


@pytest.fixture
def careers(demo):
    today = timezone.localdate()
    supervision_demo.seed(today)
    load_workforce_rules()
    workforce_demo.seed(today)


def test_each_workforce_report_opens_with_no_accessibility_violations(page, live_server, careers):
    login(page, live_server, "admin")
    page.get_by_role("link", name="Careers").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    for name, heading in [
        ("service", "Northvale NHS Talking Therapies"),
        ("people", "Posts"),
        ("post_new", "Record a post"),
        ("staffing_count", "High-intensity headcount"),
        ("retention", "Retention after qualifying"),
        ("turnover", "Turnover"),
        ("staffing", "Staffing: ratios, balance and bands"),
        ("diversity", "Diversity of the workforce"),
        ("recruitment", "Recruitment rounds"),
        ("recruitment_new", "Record a recruitment round"),
        ("applicants", "Applicants and recruitment"),
    ]:
        page.goto(live_server.url + reverse(f"workforce:{name}", args=[SERVICE]))
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), name
        assert_accessible(page)
    # The applicants page, last: the new round's three applications are hidden.
    assert page.get_by_text("fewer than 5, or hidden").first.is_visible()
    recruitment = Recruitment.objects.get(name="Trainee PWPs for the next intake")
    for name, heading in [
        ("recruitment_round", "Trainee PWPs for the next intake"),
        ("application_new", "Record an application"),
    ]:
        page.goto(live_server.url + reverse(f"workforce:{name}", args=[SERVICE, recruitment.pk]))
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), name
        assert_accessible(page)


def test_an_administrator_records_an_application_and_moves_it_on(page, live_server, careers):
    login(page, live_server, "admin")
    recruitment = Recruitment.objects.get(name="Trainee PWPs for the next intake")
    page.goto(live_server.url + reverse("workforce:application_new", args=[SERVICE, recruitment.pk]))
    page.get_by_label("Application reference").fill("NHSJ-E2E-1")
    page.get_by_label("Current or most recent role").select_option("teacher")
    page.get_by_role("button", name="Record the application").click()
    page.wait_for_load_state()
    assert page.get_by_text("Application NHSJ-E2E-1 recorded").is_visible()
    assert_accessible(page)
    page.get_by_label("Outcome of application NHSJ-E2E-1").select_option("withdrawn")
    page.get_by_role("button", name="Save the outcome of application NHSJ-E2E-1").click()
    page.wait_for_load_state()
    assert page.get_by_text("Outcome recorded for application NHSJ-E2E-1").is_visible()
    assert (
        Recruitment.objects.get(pk=recruitment.pk).applications.get(reference="NHSJ-E2E-1").outcome
        == "withdrawn"
    )


def test_an_administrator_confirms_the_band_5_post_of_someone_who_qualified(page, live_server, careers):
    login(page, live_server, "admin")
    page.goto(live_server.url + reverse("workforce:decisions", args=[SERVICE]))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the post").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Band 5 post confirmed").is_visible()
    assert_accessible(page)
    assert Post.objects.filter(practitioner__user__username="trainee.done", band=5).exists()


def test_a_practitioner_reads_their_history_and_suggests_a_correction(page, live_server, careers):
    login(page, live_server, "liam.doyle")
    page.goto(live_server.url + reverse("workforce:my_history"))
    assert page.get_by_role("heading", name="Your career history").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Suggest a correction").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Send the suggestion").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("What is wrong, and what should it say?").fill("My band 6 post started in October.")
    page.get_by_role("button", name="Send the suggestion").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your suggestion has been sent").is_visible()
    page.goto(live_server.url + reverse("workforce:my_diversity"))
    assert_accessible(page)
