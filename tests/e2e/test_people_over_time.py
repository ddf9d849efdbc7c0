"""People over time in the browser: the administrator withdraws a trainee from the trainee page, sees what
will change, confirms; a mistake moves focus to the error summary; then deactivates the trainee's account and
checks the programme's assessment rules. Every step passes axe-core."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.signin import sign_in
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_withdraws_a_trainee_after_confirming(browser, world, live_server):
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(context, live_server, world.user("admin"))
        name = world.enrolment.user.display_name
        page.goto(f"{live_server.url}/trainees/{world.enrolment.pk}/")
        page.get_by_role("link", name="Withdraw from the programme").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name=f"Withdraw {name}")).to_be_visible()
        assert_accessible(page)

        page.get_by_role("button", name="Continue").click()  # nothing filled in
        page.wait_for_load_state()
        expect(page.get_by_text("Give the reason for the change.").first).to_be_visible()
        assert_accessible(page)

        page.get_by_label("Date of the change").fill(timezone.localdate().isoformat())
        page.get_by_label("Reason").fill("Left the service")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        expect(page.get_by_text("each of their current supervisors stops supervising them")).to_be_visible()
        assert_accessible(page)
        world.enrolment.refresh_from_db()
        assert world.enrolment.status == Enrolment.Status.ACTIVE

        page.get_by_role("button", name="Withdraw the trainee").click()
        page.wait_for_load_state()
        expect(page.get_by_text(f"{name} is withdrawn from {world.cohort.name}")).to_be_visible()
        expect(page.get_by_role("heading", name="Changes over time")).to_be_visible()
        assert_accessible(page)
        world.enrolment.refresh_from_db()
        assert world.enrolment.status == Enrolment.Status.WITHDRAWN

        page.get_by_role("link", name=f"Deactivate {name}'s account").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name=f"Deactivate {name}'s account")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Deactivate the account").click()
        page.wait_for_load_state()
        expect(page.get_by_text(f"{name}'s account is deactivated")).to_be_visible()
        assert_accessible(page)
        world.enrolment.user.refresh_from_db()
        assert not world.enrolment.user.is_active

        page.goto(f"{live_server.url}/programmes/{world.programme.code}/")
        page.get_by_role("link", name="Assessment rules (attempts allowed, moderation share)").click()
        page.wait_for_load_state()
        assert_accessible(page)
    finally:
        context.close()
