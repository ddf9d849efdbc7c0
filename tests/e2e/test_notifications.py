import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import EmailPreference, NotificationKind
from notifications.reference import load_notification_kinds
from notifications.services import run_daily_pass
from notifications.tokens import make_token
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


def test_the_link_in_an_email_changes_the_setting_without_signing_in(page, live_server, demo):
    load_notification_kinds()
    supervisor = User.objects.get(username="supervisor")
    kind = NotificationKind.objects.get(code="cpd-awaiting-confirmation")
    page.goto(f"{live_server.url}/notifications/email/{make_token(supervisor.pk, kind.pk)}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Weekly digest").check()
    page.get_by_role("button").filter(has_text="Save").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Saved: weekly digest.")).to_be_visible()
    assert EmailPreference.objects.get(user=supervisor, kind=kind).frequency == "weekly"
