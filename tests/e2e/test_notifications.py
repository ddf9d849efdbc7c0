import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.reference import load_notification_kinds
from notifications.services import run_daily_pass
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_reads_notifications_and_changes_email_choices(page, live_server, demo):
    load_notification_kinds()
    run_daily_pass(on=timezone.localdate(), email=False)
    login(page, live_server, "supervisor")
    link = page.get_by_role("link", name="Notifications")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Choose how we e-mail you").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="How we e-mail you")).to_be_visible()
    assert_accessible(page)
