"""Deny by default: helpers used by every `get_<thing>_for_user()` selector."""

from django.http import Http404

from accounts.services import record_event


def refuse(user, what: str, ident) -> Http404:
    """Log a refused access and return the 404 to raise: another person's record looks like no record."""
    record_event(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="access.refused",
        message=f"{what} {ident}",
    )
    return Http404(f"No {what} found.")
