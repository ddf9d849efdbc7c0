"""A programme administrator sets a cohort's submission deadlines in the browser; the page is axe-clean and
does not scroll sideways at 320 pixels; the marking queue then says in words what is late."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import SubmissionDeadline
from demo import assessments
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_moves_a_deadline_and_the_queue_shows_lateness(page, live_server, demo):
    assessments.seed(timezone.localdate())
    cohort = demo["cohorts"]["nv-cohort-3"]
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/programmes/{cohort.programme.code}/cohorts/{cohort.code}/edit/")
    expect(page.get_by_role("group", name="Submission deadlines")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Clinical competence assessment: patient-centred assessment interview (module 1)").fill(
        "2020-01-01"
    )
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Cohort details saved.")).to_be_visible()
    assert SubmissionDeadline.objects.filter(cohort=cohort, due_on="2020-01-01").exists()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    login(page, live_server, "educator")
    page.goto(f"{live_server.url}/assessments/marking/")
    # Tom Wilson's first attempt at module 1, still waiting for a first marker.
    expect(page.get_by_text("Submitted late (due 1 January 2020)")).to_be_visible()
    assert_accessible(page)
