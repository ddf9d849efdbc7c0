"""Visit packs: one ZIP holding every portfolio of a visit, an index PDF and a manifest of SHA-256 hashes.

`request_visit_pack` queues the work; a `db_worker` process (any machine sharing the database) picks it up
and runs `build_visit_pack`. The ZIP is written to a temporary file, so memory stays flat however many
portfolios the visit holds. A portfolio that cannot be packed (its file missing, or no longer matching the
hash recorded at submission) is listed as a failure in the index, the manifest and on the page; the others
are packed regardless.
"""

import hashlib
import json
import logging
import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.services import DomainError, record_event
from accreditation.models import Visit, VisitPack, VisitPortfolio
from accreditation.portfolio.render import render_pdf_template
from accreditation.portfolio.selectors import visit_portfolios
from core.tasks import fail_lost_task
from trainees.access import staff_access

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    return timedelta(seconds=settings.VISIT_PACK_LEASE_SECONDS)


def _renew_lease(pack: VisitPack, *fields: str) -> None:
    pack.heartbeat_at = timezone.now()
    pack.save(update_fields=["heartbeat_at", *fields])


def give_up_if_stalled(visit: Visit, pack: VisitPack) -> VisitPack:
    """The pack's progress page asks this while it shows a running pack: once the lease has run out the page
    says the build failed (and a new one can be asked for) instead of "being built" for ever."""
    if pack.status == VisitPack.Status.RUNNING:
        _give_up_on_stalled_packs(visit)
        pack.refresh_from_db(fields=["status", "finished_at", "error"])
    return pack


def _give_up_on_stalled_packs(visit: Visit) -> None:
    """A running pack whose worker has not renewed its lease lost that worker (killed, crashed, redeployed):
    fail it, and its task row, so that a new pack can start within minutes rather than never."""
    stalled = VisitPack.objects.filter(visit=visit, status=VisitPack.Status.RUNNING).filter(
        Q(heartbeat_at__lt=timezone.now() - _lease())
        | Q(heartbeat_at__isnull=True, started_at__lt=timezone.now() - _lease())
    )
    for pack in stalled:
        pack.status, pack.finished_at = VisitPack.Status.FAILED, timezone.now()
        pack.error = "The worker building this pack stopped before it finished."
        pack.save(update_fields=["status", "finished_at", "error"])
        if pack.task_id:
            fail_lost_task(pack.task_id)
        record_event(
            actor=None, action="visit.pack_failed", obj=visit, after={"pack": pack.pk, "stalled": True}
        )


@transaction.atomic
def request_visit_pack(*, actor, visit: Visit) -> VisitPack:
    """Queue a new pack for the visit. The task is queued in the same transaction as the pack row, so a
    worker never sees one without the other."""
    access = staff_access(actor)
    if actor is None or not access.can("build_visit_pack", visit.programme):
        raise DomainError(access.refusal("build_visit_pack"))
    Visit.objects.select_for_update().filter(pk=visit.pk).first()  # one request at a time per visit
    _give_up_on_stalled_packs(visit)
    if VisitPack.objects.filter(
        visit=visit, status__in=[VisitPack.Status.QUEUED, VisitPack.Status.RUNNING]
    ).exists():
        raise DomainError("A pack for this visit is already being built.")
    total = VisitPortfolio.objects.filter(visit=visit).count()
    if not total:
        raise DomainError("The visit holds no portfolios yet.")
    pack = VisitPack.objects.create(visit=visit, requested_by=actor, total=total)
    record_event(actor=actor, action="visit.pack_requested", obj=visit, after={"pack": pack.pk})
    from accreditation.portfolio.tasks import build_visit_pack_task  # the task module imports this one

    result = build_visit_pack_task.enqueue(pack.pk)
    pack.task_id = str(result.id)[:64]
    pack.save(update_fields=["task_id"])
    return pack


def _portfolio_path(link: VisitPortfolio) -> str:
    snapshot = link.snapshot
    enrolment = snapshot.enrolment
    person = slugify(f"{enrolment.user.last_name} {enrolment.user.first_name}") or f"trainee-{enrolment.pk}"
    return f"portfolios/{enrolment.cohort.code}/{person}-{snapshot.verification_code}.pdf"


def _read_snapshot_pdf(link: VisitPortfolio) -> bytes:
    snapshot = link.snapshot
    try:
        with default_storage.open(snapshot.pdf.name, "rb") as handle:
            body = handle.read()
    except FileNotFoundError as exc:
        raise ValueError("The stored PDF is missing.") from exc
    if hashlib.sha256(body).hexdigest() != snapshot.pdf_sha256:
        raise ValueError("The stored PDF no longer matches the SHA-256 recorded when it was submitted.")
    return body


def _describe(link: VisitPortfolio) -> dict:
    snapshot = link.snapshot
    return {
        "snapshot": snapshot.pk,
        "trainee": snapshot.enrolment.user.display_name,
        "cohort": snapshot.enrolment.cohort.name,
        "scheme": snapshot.scheme_code,
        "submitted_at": snapshot.submitted_at.isoformat(),
        "verification_code": snapshot.verification_code,
    }


def build_visit_pack(pack_id: int) -> VisitPack:
    """Build the ZIP for a queued pack (run by the background worker)."""
    pack = VisitPack.objects.select_related("visit", "visit__programme").get(pk=pack_id)
    if pack.status != VisitPack.Status.QUEUED:
        return pack  # already built or building: a retried task does nothing
    links = visit_portfolios(pack.visit)
    pack.status, pack.started_at, pack.total, pack.done = (
        VisitPack.Status.RUNNING,
        timezone.now(),
        len(links),
        0,
    )
    _renew_lease(pack, "status", "started_at", "total", "done")
    try:
        return _build(pack, links)
    except Exception as exc:
        logger.exception("Visit pack %s failed", pack.pk)
        pack.status, pack.error, pack.finished_at = VisitPack.Status.FAILED, str(exc)[:2000], timezone.now()
        pack.save(update_fields=["status", "error", "finished_at"])
        record_event(actor=None, action="visit.pack_failed", obj=pack.visit, after={"pack": pack.pk})
        raise


def _build(pack: VisitPack, links: list[VisitPortfolio]) -> VisitPack:
    visit = pack.visit
    entries, failures = [], []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, link in enumerate(links, start=1):
                try:
                    body = _read_snapshot_pdf(link)
                    path = _portfolio_path(link)
                    # PDFs are compressed already: store them as they are.
                    archive.writestr(path, body, compress_type=zipfile.ZIP_STORED)
                    entries.append(
                        _describe(link)
                        | {"path": path, "sha256": link.snapshot.pdf_sha256, "bytes": len(body)}
                    )
                except Exception as exc:  # one bad portfolio must not lose the others
                    failures.append(_describe(link) | {"reason": str(exc)})
                pack.done = number
                _renew_lease(pack, "done")
            generated_at = timezone.now()
            index = render_pdf_template(
                "pdf/visit_index.html",
                {"visit": visit, "entries": entries, "failures": failures, "generated_at": generated_at},
            )
            archive.writestr("index.pdf", index)
            files = [{"path": "index.pdf", "sha256": hashlib.sha256(index).hexdigest(), "bytes": len(index)}]
            files += [{k: e[k] for k in ("path", "sha256", "bytes")} for e in entries]
            manifest = json.dumps(
                {
                    "visit": {
                        "id": visit.pk,
                        "title": visit.title,
                        "kind": visit.kind,
                        "programme": visit.programme.name,
                        "starts_on": visit.starts_on.isoformat(),
                        "ends_on": visit.ends_on.isoformat(),
                    },
                    "generated_at": generated_at.isoformat(),
                    "files": files,
                    "portfolios": entries,
                    "failures": failures,
                },
                indent=2,
                ensure_ascii=False,
            ).encode("utf-8")
            archive.writestr("manifest.json", manifest)
            files.append({"path": "manifest.json", "sha256": hashlib.sha256(manifest).hexdigest()})
            # `sha256sum -c SHA256SUMS` checks every other file in the unpacked ZIP.
            archive.writestr("SHA256SUMS", "".join(f"{f['sha256']}  {f['path']}\n" for f in files))
        spool.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: spool.read(1 << 20), b""):
            digest.update(chunk)
        size = spool.tell()
        spool.seek(0)
        name = default_storage.save(f"portfolios/packs/{secrets.token_hex(16)}.zip", File(spool))
    pack.status, pack.file, pack.sha256, pack.size = VisitPack.Status.READY, name, digest.hexdigest(), size
    pack.failures, pack.finished_at = failures, timezone.now()
    pack.save(update_fields=["status", "file", "sha256", "size", "failures", "finished_at"])
    record_event(
        actor=None,
        action="visit.pack_built",
        obj=visit,
        after={"pack": pack.pk, "portfolios": len(entries), "failures": len(failures), "sha256": pack.sha256},
    )
    return pack
