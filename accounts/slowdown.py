"""Slow down, never lock out, guessing at one username from many addresses.

django-axes locks a username *from one address* (settings.AXES_LOCKOUT_PARAMETERS), so a stranger cannot
lock the real person out. Guesses spread over many addresses are slowed instead: once a username has had
SIGN_IN_SLOWDOWN_AFTER failures within the cool-off time, from anywhere, each further attempt for it waits a
second more than the last, up to SIGN_IN_MAX_DELAY_SECONDS, before the password is checked. The real person
still signs in, a few seconds later. Failures are counted in the one cache every process shares.
"""

import time

from django.conf import settings
from django.core.cache import cache

_pause = time.sleep


def _key(username: str) -> str:
    return f"sign-in-failures:{(username or '').strip().lower()[:150]}"


def record_failure(username: str) -> None:
    key, timeout = _key(username), int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout)


def delay_for(username: str) -> float:
    failures = cache.get(_key(username), 0)
    over = failures - settings.SIGN_IN_SLOWDOWN_AFTER + 1
    return float(min(max(over, 0), settings.SIGN_IN_MAX_DELAY_SECONDS))


def slow_down(username: str) -> float:
    """Wait as long as this username's recent failures call for; returns the seconds waited."""
    seconds = delay_for(username)
    if seconds:
        _pause(seconds)
    return seconds
