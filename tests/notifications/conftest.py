"""Notification kinds loaded from fixtures/. E-mail goes to the real loopback SMTP server of tests/smtp.py
(`smtp_inbox`)."""

import pytest

from notifications.reference import load_notification_kinds


@pytest.fixture
def kinds(db):
    load_notification_kinds()
