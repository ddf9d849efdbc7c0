"""Notification kinds loaded from fixtures/, and a real SMTP server on the loopback interface."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from notifications.reference import load_notification_kinds


@pytest.fixture
def kinds(db):
    load_notification_kinds()


class Inbox:
    """What the loopback SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": controller.port},
            }
        }
        yield inbox
    finally:
        controller.stop()
