"""Browser journeys for supervision: a supervisor confirms a session; every page on the way is axe-clean."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from demo import supervision as supervision_demo
from tests.e2e.conftest import assert_accessible, login
from trainees.models import Enrolment, SupervisionSession

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def supervision(demo):
    return supervision_demo.seed(timezone.localdate())


def test_a_supervisor_confirms_a_session(page, live_server, supervision):
    pending = SupervisionSession.objects.awaiting().get(enrolment__user__username="trainee.new")
    login(page, live_server, "supervisor")
    expect(page.get_by_role("heading", name="My supervisees")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for you", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Entries waiting for your confirmation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"Case management, {pending.date:%-d %b %Y}")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=re.compile("Case management supervision on"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm this session").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Confirmed Nina Reid's session")).to_be_visible()
    assert_accessible(page)
    pending.refresh_from_db()
    assert pending.is_confirmed


def test_the_uncredentialed_supervisor_and_the_gaps_are_shown_clearly(page, live_server, supervision):
    mid = Enrolment.objects.get(user__username="trainee.mid")
    login(page, live_server, "educator")
    page.goto(live_server.url + reverse("trainees:supervision", args=[mid.pk]))
    expect(page.get_by_role("heading", name="Supervision", exact=True)).to_be_visible()
    body = page.locator("body")
    expect(body).to_contain_text("Does not count toward accreditation")
    expect(body).to_contain_text("SUP-MID-OVERDUE")
    expect(body).to_contain_text("was missed in 1 week")
    assert_accessible(page)
    page.get_by_role("link", name="Uma Bright", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Supervision does not count")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + reverse("trainees:service", args=["northvale-talking-therapies"]))
    expect(page.get_by_text("Below 1 to 2")).to_be_visible()
    assert_accessible(page)
    cohort = mid.cohort
    page.goto(live_server.url + reverse("trainees:cohort", args=[cohort.code]))
    expect(page.get_by_role("columnheader", name="Overdue case reviews")).to_be_visible()
    assert_accessible(page)


def test_a_trainee_logs_a_session_with_the_keyboard_friendly_form(page, live_server, supervision):
    mid = Enrolment.objects.get(user__username="trainee.mid")
    login(page, live_server, "trainee.mid")
    page.goto(live_server.url + reverse("trainees:supervision", args=[mid.pk]))
    page.get_by_role("link", name="Log a supervision session").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Log the session").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Case management", exact=True).check()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Individual", exact=True).check()
    page.get_by_label("Supervisor").select_option(label="Sam Fletcher")
    page.get_by_role("button", name="Log the session").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Session logged")).to_be_visible()
    assert_accessible(page)


def test_the_signed_final_report_reads_clearly(page, live_server, supervision):
    login(page, live_server, "trainee.done")
    done = Enrolment.objects.get(user__username="trainee.done")
    page.goto(live_server.url + reverse("trainees:supervision", args=[done.pk]))
    page.get_by_role("link", name="Final (end of year) report").click()
    page.wait_for_load_state()
    expect(page.get_by_text("A signed report cannot be changed.")).to_be_visible()
    assert_accessible(page)
