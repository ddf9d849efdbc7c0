"""Outgoing e-mail: short, plain messages with a text and an HTML part.

Every message says only that something is waiting and links to it. No clinical detail, no marks, no
assessment outcome ever goes into an e-mail (shared/quality.md): templates receive the person's name, a link
and the programme's name, nothing else. Messages go through Django's default mailer (settings.MAILERS).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

# The only context keys a message template may see; anything else passed in is a mistake caught here.
ALLOWED_CONTEXT = {"name", "username", "link", "programme", "valid_days", "site_url"}


def send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Send `templates/emails/<template>.txt` and `.html` to one address."""
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
    message.send()


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and a path."""
    return f"{settings.SITE_URL}{path}"
