from django.urls import reverse

from tests.matrix import LOGIN, PERSONAS, Row, allow, expect

EVERYONE = tuple(p for p in PERSONAS if p != "anonymous")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")

ROWS = {
    "home": Row(lambda w: reverse("home"), allow(*SIGNED_IN)),
    # Signed-in people are sent on from the sign-in page.
    "accounts:login": Row(lambda w: reverse("accounts:login"), expect(default=302, anonymous=200)),
    "accounts:logout": Row(lambda w: reverse("accounts:logout"), expect(default=LOGIN), method="post"),
    "accounts:two_factor": Row(lambda w: reverse("accounts:two_factor"), allow(*SIGNED_IN)),
    # Without a valid code nothing is turned off; the page sends people back to the setup page.
    "accounts:two_factor_disable": Row(
        lambda w: reverse("accounts:two_factor_disable"), allow(*SIGNED_IN, status=302), method="post"
    ),
    # Nobody in the matrix has two-step verification on, so the verify page sends them home.
    "accounts:two_factor_verify": Row(
        lambda w: reverse("accounts:two_factor_verify"), allow(*SIGNED_IN, status=302)
    ),
    "accounts:password_change": Row(lambda w: reverse("accounts:password_change"), allow(*SIGNED_IN)),
    "accounts:password_change_done": Row(
        lambda w: reverse("accounts:password_change_done"), allow(*SIGNED_IN)
    ),
    "accounts:password_reset": Row(
        lambda w: reverse("accounts:password_reset"), expect(default=200, anonymous=200)
    ),
    "accounts:password_reset_done": Row(
        lambda w: reverse("accounts:password_reset_done"), expect(default=200, anonymous=200)
    ),
    "accounts:password_reset_confirm": Row(
        lambda w: reverse("accounts:password_reset_confirm", args=["MQ", "not-a-token"]),
        expect(default=200, anonymous=200),
    ),
    "accounts:password_reset_complete": Row(
        lambda w: reverse("accounts:password_reset_complete"), expect(default=200, anonymous=200)
    ),
}
