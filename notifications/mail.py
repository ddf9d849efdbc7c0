"""Sending mail. Messages have a text and an HTML part and carry no clinical detail and no marks: they say
that something is waiting and link to it. Kept to one function so the onboarding mail helpers can
replace it."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string


def build_message(*, to: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_messages(messages: list[EmailMultiAlternatives]) -> int:
    """Send over one connection; returns how many went."""
    if not messages:
        return 0
    with mailers.default as connection:
        return connection.send_messages(messages) or 0
