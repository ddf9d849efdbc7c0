"""Visit packs: a ZIP of every portfolio, an index PDF and a manifest, built in the background."""

import hashlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.tasks import task_backends
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from accreditation.models import PortfolioRender, VisitPack, VisitPortfolio
from accreditation.portfolio import cache
from accreditation.portfolio.packs import request_visit_pack
from tests import factories as f
from tests.accreditation.factories_portfolios import SnapshotFactory
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


def fill_visit(world, count=3):
    snapshots = [SnapshotFactory(enrolment=f.EnrolmentFactory(cohort=world.cohort)) for _ in range(count)]
    for snapshot in snapshots:
        VisitPortfolio.objects.create(visit=world.visit, snapshot=snapshot, added_by=world.user("admin"))
    return snapshots


def stored(snapshot) -> bytes:
    with default_storage.open(snapshot.pdf.name, "rb") as handle:
        return handle.read()


def download(client, pack) -> zipfile.ZipFile:
    response = client.get(reverse("portfolios:visit_pack_download", args=[pack.visit_id, pack.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == pack.sha256
    return zipfile.ZipFile(io.BytesIO(body))


def assert_pack_is_consistent(archive: zipfile.ZipFile, snapshots):
    names = set(archive.namelist())
    assert {"index.pdf", "manifest.json", "SHA256SUMS"} <= names
    assert archive.read("index.pdf").startswith(b"%PDF-")
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"], entry["path"]
    sums = dict(reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines())
    assert set(sums) == {e["path"] for e in manifest["files"]} | {"manifest.json"}
    for path, digest in sums.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest, path
    by_code = {e["verification_code"]: e for e in manifest["portfolios"]}
    for snapshot in snapshots:
        entry = by_code[snapshot.verification_code]
        assert archive.read(entry["path"]) == stored(snapshot)
        assert entry["sha256"] == snapshot.pdf_sha256
    return manifest


def test_an_administrator_builds_a_pack_of_every_portfolio(client, world):
    snapshots = fill_visit(world)
    client.force_login(world.user("admin"))
    response = client.post(reverse("portfolios:visit_pack_request", args=[world.visit.pk]))
    pack = VisitPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:visit_pack", args=[world.visit.pk, pack.pk])
    assert pack.status == VisitPack.Status.READY  # the immediate backend ran it at once
    assert (pack.done, pack.total, pack.failures) == (3, 3, [])
    page = client.get(response["Location"]).content.decode()
    assert "Download the pack" in page and "hx-trigger" not in page
    manifest = assert_pack_is_consistent(download(client, pack), snapshots)
    assert manifest["visit"]["title"] == world.visit.title
    assert manifest["failures"] == []
    assert AuditEvent.objects.filter(action="visit.pack_built", object_id=str(world.visit.pk)).exists()


def test_a_broken_portfolio_is_reported_and_does_not_lose_the_others(client, world):
    good, missing, tampered = fill_visit(world)
    default_storage.delete(missing.pdf.name)
    default_storage.delete(tampered.pdf.name)
    default_storage.save(tampered.pdf.name, ContentFile(b"%PDF-1.7 not what was submitted %%EOF"))
    pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.READY
    reasons = {failure["verification_code"]: failure["reason"] for failure in pack.failures}
    assert reasons == {
        missing.verification_code: "The stored PDF is missing.",
        tampered.verification_code: (
            "The stored PDF no longer matches the SHA-256 recorded when it was submitted."
        ),
    }
    client.force_login(world.user("admin"))
    manifest = assert_pack_is_consistent(download(client, pack), [good])
    assert len(manifest["portfolios"]) == 1 and len(manifest["failures"]) == 2
    page = client.get(reverse("portfolios:visit_pack", args=[world.visit.pk, pack.pk])).content.decode()
    assert "Portfolios left out" in page and "The stored PDF is missing." in page


def test_the_progress_page_asks_again_until_the_pack_is_finished(client, world):
    fill_visit(world, 1)
    pack = VisitPack.objects.create(visit=world.visit, requested_by=world.user("admin"), total=4, done=1)
    client.force_login(world.user("admin"))
    url = reverse("portfolios:visit_pack", args=[world.visit.pk, pack.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "1 of 4 portfolios packed" in page
    assert 'value="25"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="pack-status"')
    assert "<html" not in fragment
    early = client.get(reverse("portfolios:visit_pack_download", args=[world.visit.pk, pack.pk]))
    assert early.status_code == 302


def test_one_pack_at_a_time_and_never_an_empty_one(world):
    with pytest.raises(DomainError, match="no portfolios"):
        request_visit_pack(actor=world.user("admin"), visit=world.visit)
    fill_visit(world, 1)
    VisitPack.objects.create(visit=world.visit, requested_by=world.user("admin"), total=1)
    with pytest.raises(DomainError, match="already being built"):
        request_visit_pack(actor=world.user("admin"), visit=world.visit)
    with pytest.raises(DomainError, match="administrators"):
        request_visit_pack(actor=world.user("lead"), visit=world.visit)


def test_visitors_download_a_ready_pack_only_inside_the_window(client, world):
    fill_visit(world, 2)
    pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    pack.refresh_from_db()
    client.force_login(world.user("visitor"))
    visit_page = client.get(reverse("portfolios:visit", args=[world.visit.pk])).content.decode()
    assert reverse("portfolios:visit_pack_download", args=[world.visit.pk, pack.pk]) in visit_page
    download(client, pack)
    assert AuditEvent.objects.filter(action="visit.pack_downloaded", actor=world.user("visitor")).exists()
    assert client.get(reverse("portfolios:visit_pack", args=[world.visit.pk, pack.pk])).status_code == 404
    for persona in ("visitor_outside_window", "other_visitor", "educator", "trainee"):
        client.force_login(world.user(persona))
        url = reverse("portfolios:visit_pack_download", args=[world.visit.pk, pack.pk])
        assert client.get(url).status_code == 404, persona


# --- The real worker -------------------------------------------------------------------------------

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@contextmanager
def database_task_queue():
    """Switch this process to the database queue (django.tasks caches its backends, so reset them)."""

    def reset():
        task_backends.__dict__.pop("settings", None)
        with suppress(AttributeError):  # not created yet
            del task_backends["default"]

    with override_settings(TASKS=DATABASE_BACKEND):
        reset()
        try:
            yield
        finally:
            reset()
    reset()


def worker_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a worker in another process needs a database both can share: set DATABASE_URL to PostgreSQL",
)
def test_a_real_db_worker_process_builds_the_pack(curriculum, tmp_path):
    """... and renders a live portfolio PDF the web process queued (issue 13: never in the request)."""
    from tests.world import build_world

    world = build_world()
    snapshots = fill_visit(world, 3)
    with database_task_queue():
        pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
        enrolment = Enrolment.objects.with_people().get(pk=world.enrolment.pk)
        render = cache.request_render(enrolment, as_of=timezone.localdate())
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.QUEUED and pack.task_id  # nothing runs it in this process
    assert render.status == PortfolioRender.Status.QUEUED and render.task_id

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": worker_database_url(),  # pytest-django's test database, not the real one
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            pack.refresh_from_db()
            render.refresh_from_db()
            if pack.finished and not render.waiting:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.seek(0)
        output = log.read()
    assert pack.status == VisitPack.Status.READY, output
    assert pack.failures == []
    client = Client()
    client.force_login(world.user("admin"))
    assert_pack_is_consistent(download(client, pack), snapshots)
    assert render.status == PortfolioRender.Status.READY, output
    client.force_login(world.user("trainee"))
    response = client.get(reverse("portfolios:trainee_pdf", args=[world.enrolment.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_pack_whose_worker_stopped_does_not_block_a_new_one(world):
    """The worker renews a lease after every portfolio; one not renewed for two minutes lost its worker."""
    fill_visit(world, 1)
    alive = VisitPack.objects.create(
        visit=world.visit,
        requested_by=world.user("admin"),
        status=VisitPack.Status.RUNNING,
        total=1,
        started_at=timezone.now() - timedelta(hours=2),
        heartbeat_at=timezone.now() - timedelta(seconds=30),
    )
    with pytest.raises(DomainError, match="already being built"):
        request_visit_pack(actor=world.user("admin"), visit=world.visit)
    VisitPack.objects.filter(pk=alive.pk).delete()
    stalled = VisitPack.objects.create(
        visit=world.visit,
        requested_by=world.user("admin"),
        status=VisitPack.Status.RUNNING,
        total=1,
        started_at=timezone.now() - timedelta(minutes=4),
        heartbeat_at=timezone.now() - timedelta(minutes=3),
    )
    pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    stalled.refresh_from_db()
    assert stalled.status == VisitPack.Status.FAILED
    assert "stopped" in stalled.error
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.READY


def test_the_progress_page_of_a_pack_whose_worker_stopped_says_it_failed(client, world):
    """Without this the page said "Being built" and polled for ever, until someone asked for a new pack."""
    fill_visit(world, 1)
    stalled = VisitPack.objects.create(
        visit=world.visit,
        requested_by=world.user("admin"),
        status=VisitPack.Status.RUNNING,
        total=1,
        started_at=timezone.now() - timedelta(minutes=4),
        heartbeat_at=timezone.now() - timedelta(minutes=3),
    )
    client.force_login(world.user("admin"))
    page = client.get(reverse("portfolios:visit_pack", args=[world.visit.pk, stalled.pk])).content.decode()
    stalled.refresh_from_db()
    assert stalled.status == VisitPack.Status.FAILED
    assert "The worker building this pack stopped" in page and "hx-trigger" not in page


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a worker in another process needs a database both can share: set DATABASE_URL to PostgreSQL",
)
def test_a_worker_killed_mid_pack_is_detected_and_a_new_pack_can_start(curriculum, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from tests.world import build_world

    world = build_world()
    fill_visit(world, 6)
    with database_task_queue():
        pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": worker_database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.accreditation.slow_pack_worker", "--no-reload", "--no-startup-delay"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            pack.refresh_from_db()
            if pack.status == VisitPack.Status.RUNNING and pack.done >= 1:
                break
            time.sleep(0.1)
    finally:
        worker.kill()  # SIGKILL: no clean-up runs, as when the machine or the process dies
        worker.wait(timeout=30)
        log.seek(0)
        output = log.read()
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.RUNNING and pack.done < pack.total, output
    assert DBTaskResult.objects.get(pk=pack.task_id).status == "RUNNING"

    with database_task_queue(), override_settings(VISIT_PACK_LEASE_SECONDS=2):
        with pytest.raises(DomainError, match="already being built"):  # the lease has not run out yet
            request_visit_pack(actor=world.user("admin"), visit=world.visit)
        time.sleep(2.5)
        new = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    pack.refresh_from_db()
    assert pack.status == VisitPack.Status.FAILED and "stopped" in pack.error
    assert DBTaskResult.objects.get(pk=pack.task_id).status == "FAILED"
    assert new.status == VisitPack.Status.QUEUED
