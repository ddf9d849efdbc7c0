"""Per-trainee facts remembered between requests, keyed by the records version (issue 20).

A cohort page, the readiness table and the homes work out, for every trainee they list, the same facts:
caseload figures, supervision compliance, training days. Those facts change only when one of the trainee's
records changes, and every service that writes such a record bumps the enrolment's records version in the
same transaction (`trainees.enrolment.versions`). So each area's bulk read asks `remember` first: it reads
the rows remembered for these enrolments in one query, works out only the trainees whose row is missing or
stale, in one bulk call, and writes their rows back in one more query.

A row is good only while its stamp matches: the enrolment's records version, a digest of the project's code
(a release that changes it misses every row once, and never reads a shape it no longer understands), and the
parameters, which always include the day the facts are for. Rows live in the
database, so every web process and worker shares them and a rolled-back transaction takes its rows with it.

When records change, the facts the cohort-wide pages show for today are worked out again in the background
(`remember_ahead`, a task for `db_worker`), so the first person to look after a change rarely waits either.
Each area registers what it works out with `warm_with`.

Two cases are never remembered: an enrolment loaded without its records version, and one whose version this
thread bumped since its request began (a view that writes and then shows the page in one request holds the
old number; reading by it could find the facts from before the write).
"""

import hashlib
import logging
import pickle
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.signals import request_started
from django.tasks.signals import task_started
from django.utils import timezone

from trainees.enrolment.models import Enrolment, EnrolmentFacts

logger = logging.getLogger(__name__)
_local = threading.local()


def _bumped() -> set[int]:
    ids = getattr(_local, "bumped", None)
    if ids is None:
        ids = _local.bumped = set()
    return ids


def note_bumped(ids: Iterable[int]) -> None:
    """Called by `bump_records_version`: these enrolments' facts are worked out afresh for the rest of the
    request."""
    _bumped().update(ids)


def forget_bumped(**kwargs) -> None:
    """A request or a worker's task begins: nothing has been bumped in it yet."""
    _bumped().clear()


request_started.connect(forget_bumped, dispatch_uid="trainees.enrolment.facts.forget_bumped")
task_started.connect(forget_bumped, dispatch_uid="trainees.enrolment.facts.forget_bumped_task")


@dataclass(frozen=True)
class Area:
    """One kind of fact: the name of its rows."""

    name: str


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the project's own source: the Python of every app under the project's folder, and the
    templates (a page remembers what it drew). A release that changes any of it forgets every remembered fact
    once, rather than trusting a list of the files each fact depends on to be kept up to date by hand."""
    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(settings.BASE_DIR).resolve()
    for source in source_files():
        digest.update(str(source.relative_to(root)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def source_files() -> list[Path]:
    """The files `code_digest` reads, in a fixed order."""
    root = Path(settings.BASE_DIR).resolve()
    files = []
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        path = Path(app.path).resolve()
        if path.parent == root:  # the project's own apps, not installed packages
            files += sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
            files += sorted(path.glob("templates/**/*.*"))
    for folder in settings.TEMPLATES[0]["DIRS"]:
        files += sorted(p for p in Path(folder).resolve().rglob("*") if p.is_file())
    return files


def _read(data: bytes):
    """The facts a row holds, or None if it cannot be read (then they are worked out again). Rows are written
    only by `remember` below, as Django's own caches write theirs."""
    try:
        return pickle.loads(zlib.decompress(data))  # noqa: S301 - written by this module only, never by a user
    except Exception:  # noqa: BLE001
        logger.warning("Remembered trainee facts could not be read; working them out again.", exc_info=True)
        return None


def _digest(value) -> str:
    """A short digest of what a row also depends on, so the stamp keeps its length whatever a name's."""
    return hashlib.sha1(repr(value).encode(), usedforsecurity=False).hexdigest()[:16]


def enabled() -> bool:
    return getattr(settings, "REMEMBER_TRAINEE_FACTS", True)


def remember[T](
    area: Area,
    enrolments: Iterable,
    *,
    params: tuple,
    compute: Callable[[list], dict[int, T]],
    variant: str = "",
    also: Callable[[Enrolment], object] | None = None,
) -> dict[int, T]:
    """{enrolment pk: facts}: the remembered facts where their stamp still holds, `compute(the others)` for
    the rest (one bulk call), which are then remembered. `params` are what the facts depend on besides the
    records (the day, a period's start); `variant` names a second kind of the same facts kept beside the first
    (the caseload without hours), so two pages asking for different kinds do not overwrite each other's.
    `also(enrolment)` is what one trainee's facts depend on besides their records (the name a drawn row
    shows): a row drawn with another is worked out again.

    Queries: one to read; when anything was missing, the compute's and one to write."""
    enrolments = list(enrolments)
    if not enrolments or not enabled():
        return compute(enrolments)
    bumped, code = _bumped(), code_digest()
    keep = {
        e.pk: f"{e.records_version}|{code}|{params!r}" + (f"|{_digest(also(e))}" if also else "")
        for e in enrolments
        if e.pk not in bumped and "records_version" not in e.get_deferred_fields()
    }
    slot = f"{area.name}:{variant}" if variant else area.name
    found: dict[int, T] = {}
    if keep:
        for enrolment_id, stamp, data in EnrolmentFacts.objects.filter(
            slot=slot, enrolment_id__in=list(keep)
        ).values_list("enrolment_id", "stamp", "data"):
            if stamp == keep[enrolment_id] and (facts := _read(data)) is not None:
                found[enrolment_id] = facts
    missing = [e for e in enrolments if e.pk not in found]
    if not missing:
        return found
    worked_out = compute(missing)
    rows = [
        EnrolmentFacts(
            enrolment_id=pk,
            slot=slot,
            stamp=keep[pk],
            data=zlib.compress(pickle.dumps(worked_out[pk], protocol=pickle.HIGHEST_PROTOCOL), 1),
        )
        for pk in sorted(worked_out)
        if pk in keep
    ]
    if rows:
        EnrolmentFacts.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["enrolment", "slot"], update_fields=["stamp", "data"]
        )
    return {**found, **worked_out}


# --- working facts out ahead, after records change --------------------------------------------------------

_warmers: list[Callable[[list, date], object]] = []


def warm_with(warmer: Callable[[list, date], object]) -> None:
    """Register `warmer(enrolments, today)`: it asks its area's bulk read for what the pages show for today,
    so that `remember` works it out and keeps it (registered once, in an AppConfig.ready)."""
    if warmer not in _warmers:
        _warmers.append(warmer)


def warm(enrolment_ids: Iterable[int], *, on: date | None = None) -> int:
    """Work out and remember the facts for `on` (today) for these trainees, area by area; one area that fails
    is logged and leaves the others to be done. Returns how many trainees were looked at."""
    enrolments = list(Enrolment.objects.with_people().filter(pk__in=list(enrolment_ids)))
    if not enrolments or not enabled():
        return 0
    today = on or timezone.localdate()
    for warmer in _warmers:
        try:
            warmer(enrolments, today)
        except Exception:  # noqa: BLE001 - a page works the facts out itself if this did not
            logger.exception("Could not work out %s ahead for %s trainees", warmer.__name__, len(enrolments))
    return len(enrolments)


def remember_ahead(enrolment_ids: list[int]) -> None:
    """Records changed (the transaction has committed): queue the work of `warm` for the worker, unless the
    change touched more trainees than REMEMBER_AHEAD_MAX (a programme's settings: worked out when next asked
    for, and by the daily pass)."""
    if not getattr(settings, "REMEMBER_AHEAD", True) or not enabled():
        return
    if not enrolment_ids or len(enrolment_ids) > getattr(settings, "REMEMBER_AHEAD_MAX", 50):
        return
    from trainees.enrolment.tasks import remember_facts_task

    try:
        remember_facts_task.enqueue(list(enrolment_ids))
    except Exception:  # noqa: BLE001 - facts worked out late are no reason to fail anyone's save
        logger.exception("Could not queue working out facts for %s trainees", len(enrolment_ids))
