"""Sign a browser context in as a test user without the sign-in form (which has tests of its own)."""

from django.conf import settings
from django.test import Client


def sign_in(context, live_server, user):
    """One server-side login per persona: the session cookie goes straight into the browser context."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
