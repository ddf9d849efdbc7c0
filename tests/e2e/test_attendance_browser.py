"""Browser journeys for training days, checked with axe-core."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo import attendance
from tests.e2e.conftest import assert_accessible, login
from trainees.models import AttendanceMark, Enrolment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def attendance_demo(demo):
    attendance.seed(timezone.localdate())
    return demo


def test_an_educator_marks_a_register_in_the_browser(page, live_server, attendance_demo):
    cohort = attendance_demo["cohorts"]["nv-cohort-4"]
    login(page, live_server, "educator")
    page.get_by_role("link", name=cohort.name).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Teaching schedule and registers").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Teaching schedule and registers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Take the register").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Register for")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Attendance for Nina Reid").select_option("late")
    page.get_by_label("Minutes missed by Nina Reid").fill("15")
    page.get_by_label("Attendance for Aisha Khan").select_option("authorised_absence")
    page.get_by_label("Note for Aisha Khan").fill("Annual leave agreed")
    page.get_by_role("button", name="Save the register").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Register saved: 2 trainees marked")).to_be_visible()
    assert_accessible(page)
    nina = Enrolment.objects.get(user__username="trainee.new", cohort=cohort)
    latest = AttendanceMark.objects.current().filter(enrolment=nina).latest("teaching_day__date")
    assert latest.describe() == "Late (15 minutes missed)"


def test_a_register_error_follows_the_nhs_pattern(page, live_server, attendance_demo):
    login(page, live_server, "educator")
    cohort = attendance_demo["cohorts"]["nv-cohort-4"]
    page.goto(f"{live_server.url}/cohorts/{cohort.code}/schedule/")
    page.get_by_role("link", name="Take the register").first.click()
    page.wait_for_load_state()
    page.get_by_label("Attendance for Nina Reid").select_option("late")
    page.get_by_role("button", name="Save the register").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Nina Reid: Say how many minutes were missed.").first).to_be_visible()
    assert_accessible(page)


def test_training_days_pages_are_accessible_for_each_role(page, live_server, attendance_demo):
    mid = Enrolment.objects.get(user__username="trainee.mid")
    login(page, live_server, "educator")
    for path in (
        f"/cohorts/{mid.cohort.code}/",
        f"/cohorts/{mid.cohort.code}/schedule/generate/",
        f"/cohorts/{mid.cohort.code}/schedule/add/",
        f"/trainees/{mid.pk}/interruptions/new/",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    # Importing registers from a file is the programme administrators'.
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/cohorts/{mid.cohort.code}/attendance/import/")
    expect(page.get_by_role("heading", name="Import attendance from a spreadsheet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    login(page, live_server, "trainee.mid")
    page.goto(f"{live_server.url}/trainees/{mid.pk}/")
    expect(page.get_by_role("heading", name="Training days")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Your attendance, workplace days and catch-ups").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My attendance and training days")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Unauthorised absence")
    expect(page.locator("body")).to_contain_text("Approved")
    assert_accessible(page)
    page.get_by_role("button", name="Log a workplace day").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    login(page, live_server, "supervisor")
    late = Enrolment.objects.get(user__username="trainee.late")
    page.goto(f"{live_server.url}/trainees/{late.pk}/attendance/")
    page.get_by_role("link", name="Review").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Workplace day on")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Confirm: the trainee did this directed learning").check()
    page.get_by_role("button", name="Save my decision").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Workplace day reviewed.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("All 25 university and 20 workplace days are done")
    assert_accessible(page)
