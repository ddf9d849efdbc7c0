"""Signed one-click links to change how one kind reaches one person by e-mail, without signing in."""

from django.core import signing

SALT = "notifications.email-preference"
MAX_AGE_DAYS = 90


def make_token(user_id: int, kind_id: int) -> str:
    return signing.dumps({"u": user_id, "k": kind_id}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, int] | None:
    """(user id, kind id), or None for a forged or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 86400)
    except signing.BadSignature:
        return None
    return data["u"], data["k"]
