"""The render caches of the live (unsubmitted) portfolio PDF.

**Versioned, in the background (what the portfolio page serves).** Every service that writes a record a
portfolio shows bumps the enrolment's `records_version` in the same transaction
(`trainees.enrolment.versions`). The cache key of the live PDF is therefore made from values already loaded
with the enrolment: its id, its records version, the scheme asked for, the portfolio's date and the
template version, plus the trainee's, cohort's, programme's, route's and service's names (loaded with the
enrolment anyway, and changed by services below the trainees app that cannot bump). Knowing whether a
cached PDF is current costs no query beyond loading the enrolment; finding it costs one.

A missing PDF is never rendered in the web request: `request_render` records a `PortfolioRender` row for
the key (unique, so two requests share one row and one task) and queues `render_portfolio_task`, which a
`db_worker` runs. After a change, `queue_after_change` (called once the transaction commits) queues the new
version at once, at most one waiting render per trainee, so a person rarely waits. Anything the key does
not name (a supervisor's or marker's name, a scheme's criteria edited in the admin) shows from the next
day, when the date in the key changes.

**By content (the `render_portfolio` command).** `portfolio_pdf(data)` keys a PDF by a SHA-256 of the data
itself: exact, but it needs all the data gathered first.

PDFs live in the default storage, so every web process and worker, on any machine, shares them. Submitted
portfolios (`PortfolioSnapshot`) are rendered and stored by `services.submit_portfolio`, never from here.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.services import DomainError
from accreditation.models import PortfolioRender
from accreditation.portfolio.data import canonical_json, portfolio_data
from accreditation.portfolio.render import render_portfolio_pdf, template_version
from core.tasks import fail_lost_task
from trainees.access import Attached
from trainees.models import Enrolment

logger = logging.getLogger(__name__)

CACHE_DIR = "portfolios/cache"
# Bump to invalidate every versioned key at once (a change in what the key is made of).
LIVE_KEY_FORMAT = "live-1"


@dataclass(frozen=True)
class CachedPdf:
    pdf: bytes
    key: str
    hit: bool


def portfolio_cache_key(data: dict) -> str:
    digest = hashlib.sha256(canonical_json(data))
    digest.update(b"\0template " + template_version().encode())
    return digest.hexdigest()


def cache_name(key: str) -> str:
    return f"{CACHE_DIR}/{key[:2]}/{key}.pdf"


def _store(name: str, pdf: bytes) -> None:
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # Another process rendered the same content at the same moment; keep one copy.
        default_storage.delete(saved)


def portfolio_pdf(data: dict) -> CachedPdf:
    """The unsubmitted (no verification code) PDF of this data, from the content cache when it is there."""
    key = portfolio_cache_key(data)
    name = cache_name(key)
    try:
        with default_storage.open(name, "rb") as handle:
            cached = handle.read()
    except FileNotFoundError:
        cached = b""
    # A PDF still being written by another process has no end-of-file marker yet: render our own.
    if cached.rstrip().endswith(b"%%EOF"):
        return CachedPdf(pdf=cached, key=key, hit=True)
    pdf = render_portfolio_pdf(data)
    if not cached:
        _store(name, pdf)
    return CachedPdf(pdf=pdf, key=key, hit=False)


def forget(data: dict) -> None:
    """Drop the content-cached PDF of this data."""
    default_storage.delete(cache_name(portfolio_cache_key(data)))


# --- The versioned live cache -----------------------------------------------------------------------------


def live_key(enrolment: Enrolment, *, scheme_code: str = "", as_of: date) -> str:
    """The key of the live PDF of these records, from the enrolment as loaded `with_people()`: no query."""
    programme, cohort = enrolment.cohort.programme, enrolment.cohort
    parts = [
        LIVE_KEY_FORMAT,
        str(enrolment.pk),
        str(enrolment.records_version),
        scheme_code or "",
        as_of.isoformat(),
        template_version(),
        enrolment.user.display_name,
        enrolment.user.get_username(),
        cohort.code,
        cohort.name,
        cohort.intake,
        programme.code,
        programme.name,
        enrolment.route.name,
        enrolment.employing_service.name,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _ready_render(*, scheme_code: str, as_of: date) -> dict:
    """The newest ready render of the enrolment's current records version, for this scheme and date: the
    only one whose key can be the live key (which also names the trainee's and programme's names, so the
    caller still compares the key)."""
    renders = PortfolioRender.objects.filter(
        enrolment=OuterRef("pk"),
        records_version=OuterRef("records_version"),
        scheme_code=scheme_code,
        as_of=as_of,
        status=PortfolioRender.Status.READY,
    ).order_by("-requested_at", "-pk")
    return {
        "ready_render_key": Subquery(renders.values("key")[:1]),
        "ready_render_file": Subquery(renders.values("file")[:1]),
    }


# The stored render, read in the access query that loads the enrolment (`enrolment_access_for(..., attach=
# READY_RENDER, scheme_code=..., as_of=...)`), so an unchanged repeat costs one query, not two.
READY_RENDER = Attached(
    name="portfolio.ready_render",
    annotations=_ready_render,
    sentinels={"scheme_code": "\x1fscheme-sentinel\x1f", "as_of": date(1903, 4, 5)},
)


def may_be_stored(scheme_code: str) -> bool:
    """Whether a scheme code asked for (from the query string) could be a stored render's at all; anything
    else (too long, or a NUL, which PostgreSQL refuses as a parameter) is not looked up but refused by the
    scheme check as any unknown code is."""
    limit = PortfolioRender._meta.get_field("scheme_code").max_length
    return len(scheme_code) <= limit and "\x00" not in scheme_code


def ready_file(enrolment: Enrolment, key: str) -> str | None:
    """The stored PDF of the live key, from an enrolment loaded with `READY_RENDER`; None when the render
    read with it is not that key's (not rendered yet, or the names in the key changed): ask `find_render`."""
    if getattr(enrolment, "ready_render_key", None) == key and enrolment.ready_render_file:
        return enrolment.ready_render_file
    return None


def find_render(key: str) -> PortfolioRender | None:
    """The render row for a key (one query)."""
    return PortfolioRender.objects.filter(key=key).first()


def _stalled(render: PortfolioRender) -> bool:
    limit = timedelta(seconds=settings.PORTFOLIO_RENDER_TIMEOUT_SECONDS)
    since = render.started_at or render.requested_at
    return render.waiting and since < timezone.now() - limit


def render_state(render: PortfolioRender | None) -> str:
    """What the page says: "ready", "waiting", "failed" (a failed render, or one whose worker was lost)."""
    if render is None:
        return "waiting"
    if render.status == PortfolioRender.Status.READY:
        return "ready"
    if render.status == PortfolioRender.Status.FAILED or _stalled(render):
        return "failed"
    return "waiting"


def _enqueue(render: PortfolioRender) -> None:
    from accreditation.portfolio.tasks import render_portfolio_task  # the task module imports this one

    result = render_portfolio_task.enqueue(render.pk)
    PortfolioRender.objects.filter(pk=render.pk, task_id="").update(task_id=str(result.id)[:64])


def request_render(
    enrolment: Enrolment, *, scheme_code: str = "", as_of: date, retry: bool = False
) -> PortfolioRender:
    """The render row of this portfolio's current version, queued if it was not there yet (one task per
    key, whoever asks and however often). `retry` queues a failed or stalled render again."""
    key = live_key(enrolment, scheme_code=scheme_code, as_of=as_of)
    try:
        with transaction.atomic():
            render, created = PortfolioRender.objects.get_or_create(
                key=key,
                defaults={
                    "enrolment": enrolment,
                    "records_version": enrolment.records_version,
                    "scheme_code": scheme_code or "",
                    "as_of": as_of,
                },
            )
    except IntegrityError:  # another request created it between our look and our insert
        render, created = PortfolioRender.objects.get(key=key), False
    if not created and retry and render_state(render) == "failed":
        lost_task = render.task_id if render.waiting else ""  # stalled: its worker was lost
        # Only the request that moves it back to the queue queues it again.
        created = bool(
            PortfolioRender.objects.filter(
                pk=render.pk, status=render.status, requested_at=render.requested_at
            )
            .exclude(status=PortfolioRender.Status.READY)
            .update(
                status=PortfolioRender.Status.QUEUED,
                error="",
                task_id="",
                requested_at=timezone.now(),
                started_at=None,
                finished_at=None,
            )
        )
        if created and lost_task:
            fail_lost_task(lost_task)
    if created:
        # Queued with the row: the database queue's task row commits (or not) with the caller's transaction,
        # as a visit pack's does. The tests' immediate backend renders here and now.
        _enqueue(render)
        render.refresh_from_db()
    return render


def _current_version(enrolment_id: int) -> int | None:
    return Enrolment.objects.filter(pk=enrolment_id).values_list("records_version", flat=True).first()


def _finish(render: PortfolioRender, status: str, **fields) -> None:
    for name, value in {"status": status, "finished_at": timezone.now(), **fields}.items():
        setattr(render, name, value)
    render.save(update_fields=["status", "finished_at", *fields])


def render_now(render_id: int) -> PortfolioRender | None:
    """The worker's side: claim a queued render, gather the data, render the PDF and store it.

    A render whose records changed before or while it was gathered is marked superseded instead of stored,
    so a key's file always shows that key's version; the page then asks for the newer version."""
    claimed = PortfolioRender.objects.filter(pk=render_id, status=PortfolioRender.Status.QUEUED).update(
        status=PortfolioRender.Status.RUNNING, started_at=timezone.now()
    )
    render = PortfolioRender.objects.filter(pk=render_id).first()
    if not claimed or render is None:
        return render  # someone else has it, or it is finished
    if _current_version(render.enrolment_id) != render.records_version:
        _finish(render, PortfolioRender.Status.SUPERSEDED)
        return render
    try:
        enrolment = Enrolment.objects.get(pk=render.enrolment_id)
        data = portfolio_data(enrolment, scheme_code=render.scheme_code or None, as_of=render.as_of)
        if _current_version(render.enrolment_id) != render.records_version:
            _finish(render, PortfolioRender.Status.SUPERSEDED)
            return render
        pdf = render_portfolio_pdf(data)
    except DomainError as exc:
        _finish(render, PortfolioRender.Status.FAILED, error=str(exc))
        return render
    except Exception:
        logger.exception("Portfolio render %s failed", render_id)
        _finish(render, PortfolioRender.Status.FAILED, error="The PDF could not be rendered.")
        return render
    name = cache_name(render.key)
    if not default_storage.exists(name):
        _store(name, pdf)
    _finish(render, PortfolioRender.Status.READY, file=name, size=len(pdf))
    _drop_older(render)
    return render


def _drop_older(render: PortfolioRender) -> None:
    """Older renders of the same trainee's portfolio for the same scheme are never asked for again: remove
    them and their files, so storage holds about one PDF per trainee and scheme."""
    older = PortfolioRender.objects.filter(
        enrolment_id=render.enrolment_id, scheme_code=render.scheme_code, requested_at__lt=render.requested_at
    ).exclude(status__in=[PortfolioRender.Status.QUEUED, PortfolioRender.Status.RUNNING])
    for old in older:
        if old.file:
            default_storage.delete(old.file)
    older.delete()


def open_render(render: PortfolioRender):
    """The stored PDF of a ready render, as an open file (the caller streams and closes it)."""
    return default_storage.open(render.file, "rb")


def queue_after_change(enrolment_ids: list[int]) -> None:
    """Records changed (the transaction has committed): queue a render of each trainee's new version, for
    today and the route's own scheme, unless one is already waiting. A waiting render of an older version
    is moved to the new version instead, so each trainee has at most one render waiting."""
    if not settings.PORTFOLIO_PRERENDER or len(enrolment_ids) > settings.PORTFOLIO_PRERENDER_MAX:
        return
    today = timezone.localdate()
    enrolments = Enrolment.objects.with_people().filter(pk__in=enrolment_ids)
    waiting = {
        render.enrolment_id: render
        for render in PortfolioRender.objects.filter(
            enrolment_id__in=enrolment_ids, scheme_code="", status=PortfolioRender.Status.QUEUED
        )
    }
    for enrolment in enrolments:
        key = live_key(enrolment, as_of=today)
        render = waiting.get(enrolment.pk)
        if render is not None:
            if render.key != key and not PortfolioRender.objects.filter(key=key).exists():
                PortfolioRender.objects.filter(pk=render.pk, status=PortfolioRender.Status.QUEUED).update(
                    key=key, records_version=enrolment.records_version, as_of=today
                )
            continue
        try:
            request_render(enrolment, as_of=today)
        except Exception:  # a render queued late is no reason to fail anyone's save
            logger.exception("Could not queue a portfolio render for enrolment %s", enrolment.pk)


def render_here(enrolment: Enrolment, *, scheme_code: str = "", as_of: date) -> PortfolioRender:
    """Render the current version in this process, whatever is cached (the benchmark's cold render): the
    worker's own steps, without the queue."""
    key = live_key(enrolment, scheme_code=scheme_code, as_of=as_of)
    old = PortfolioRender.objects.filter(key=key).first()
    if old is not None:
        if old.file:
            default_storage.delete(old.file)
        old.delete()
    render = PortfolioRender.objects.create(
        key=key,
        enrolment=enrolment,
        records_version=enrolment.records_version,
        scheme_code=scheme_code or "",
        as_of=as_of,
    )
    return render_now(render.pk)


def forget_renders(enrolment: Enrolment) -> None:
    """Drop every live render of this trainee and its file (the benchmark's "first request")."""
    renders = PortfolioRender.objects.filter(enrolment=enrolment)
    for render in renders:
        if render.file:
            default_storage.delete(render.file)
    renders.delete()
