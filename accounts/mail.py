"""Outgoing e-mail: short, plain messages with a text and an HTML part.

Every message says only that something is waiting and links to it. No clinical detail, no marks, no
assessment outcome ever goes into an e-mail (shared/quality.md): templates receive the person's name, a link
and the programme's name, nothing else. Messages go through Django's default mailer (settings.MAILERS).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string

# The only context keys a message template may see; anything else passed in is a mistake caught here.
# Notifications add what is waiting in plain words ("text", set by notifications/sources.py, which never puts
# clinical detail or marks in it), the kind's name, digest groups of such texts and links, and the signed
# links that change a kind's e-mail setting.
ALLOWED_CONTEXT = {
    "name",
    "username",
    "link",
    "programme",
    "valid_days",
    "site_url",
    "text",
    "kind",
    "settings_link",
    "groups",
    "settings_links",
}


def build(*, to: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """`templates/emails/<template>.txt` and `.html` as one message to one address (not sent yet)."""
    unexpected = set(context) - ALLOWED_CONTEXT
    if unexpected:
        raise ValueError(f"E-mails carry no detail beyond a name and a link, not {sorted(unexpected)}")
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(html, "text/html")
    return message


def send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Send `templates/emails/<template>.txt` and `.html` to one address."""
    build(to=to, subject=subject, template=template, context=context).send()


def send_many(messages: list[EmailMultiAlternatives]) -> int:
    """Send messages made by `build` over one connection (the daily notification pass); how many went."""
    if not messages:
        return 0
    with mailers.default as connection:
        return connection.send_messages(messages) or 0


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and a path."""
    return f"{settings.SITE_URL}{path}"
