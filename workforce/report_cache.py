"""The suppressed reports of a service, kept in the one cache (Django's, from CACHE_URL) so a page does not
work out and suppress every report again on each click.

Keyed by service, date and the workforce data *generation*: a number that moves on (`data_changed()`, called
for every saved or deleted row of a workforce model by the signal hook in `workforce.apps`: posts,
corrections, diversity answers, staffing counts, applications and outcomes, eligibility rules) once the
write's transaction commits. A new generation makes every earlier entry
unreachable, so nothing is read stale after a workforce write, on any process or machine sharing the cache.
Figures that other apps keep (sites, supervision rules, a practitioner's cohort) are not workforce writes:
entries expire after `TIMEOUT` seconds, so those show within minutes.
"""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "workforce:data-generation"
TIMEOUT = 15 * 60


def generation() -> int:
    """The current generation. Started from the clock when the cache has none (first use, eviction, a new
    cache), so a number handed out before can never come back and revive an old entry."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): any new number is newer than every entry's
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def data_changed() -> None:
    """Every workforce write calls this: the cached reports are stale once its transaction commits (and not
    before, so a reader in between cannot cache the old figures under the new generation)."""
    transaction.on_commit(_bump)


def key(service_id: int, as_of, gen: int) -> str:
    return f"workforce:reports:{service_id}:{as_of.isoformat()}:{gen}"


def cached(service_id: int, as_of, compute):
    """The reports from the cache, or `compute()` stored for the next page."""
    entry_key = key(service_id, as_of, generation())
    found = cache.get(entry_key)
    if found is None:
        found = compute()
        cache.set(entry_key, found, TIMEOUT)
    return found
