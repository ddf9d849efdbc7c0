"""A real SMTP server on the loopback interface (aiosmtpd), so tests send mail as production does and read
what arrived, instead of trusting Django's in-memory outbox."""

import email
import email.policy
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """Messages to exactly this address (not to others that merely contain it, like other_x@...)."""
        wanted = address.lower()
        return [m for m in self.messages if any(a.addr_spec.lower() == wanted for a in m["To"].addresses)]

    def wait_for(self, address: str, count: int = 1, seconds: float = 10.0):
        deadline = time.monotonic() + seconds
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        found = self.to(address)
        assert len(found) >= count, f"{count} message(s) to {address} expected, {len(found)} arrived"
        return found[-1]


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, path_prefix: str) -> str:
    """The first link in the text part whose path starts with `path_prefix`, as a path."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", text_part(message))
    assert match, f"No link to {path_prefix} in:\n{text_part(message)}"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """Start the server, point the default mailer at it with the SMTP backend, and stop it afterwards."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
