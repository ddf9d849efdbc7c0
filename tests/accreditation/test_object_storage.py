"""Files in S3-compatible object storage: nothing assumes one disk.

A real S3-compatible server (moto's server mode) runs on loopback for these tests; the product talks to it
through django-storages exactly as it would to a deployment's object store, chosen by STORAGE_S3_BUCKET.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.utils import timezone

from accreditation.models import VisitPack
from accreditation.portfolio.cache import cache_name, portfolio_cache_key, portfolio_pdf
from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.packs import request_visit_pack
from config.env import storage_from_env
from tests.accreditation.test_packs import (
    assert_pack_is_consistent,
    database_task_queue,
    download,
    fill_visit,
    worker_database_url,
)

pytestmark = pytest.mark.django_db

BUCKET = "pwp-tracker-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def object_storage(s3_server, monkeypatch):
    """This process's default storage is the bucket, chosen as a deployment chooses it: by environment."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STORAGE_S3_BUCKET", BUCKET)
    monkeypatch.setenv("STORAGE_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("STORAGE_S3_REGION", "eu-west-2")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    storage = storage_from_env()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        yield client


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_without_a_bucket_files_stay_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("STORAGE_S3_BUCKET", raising=False)
    assert storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.django_db
def test_a_rendered_portfolio_is_kept_in_the_bucket_and_read_back_from_it(object_storage, world):
    enrolment = world.enrolment
    data = portfolio_data(enrolment, scheme_code=None, as_of=timezone.localdate())
    first = portfolio_pdf(data)
    assert not first.hit
    assert cache_name(portfolio_cache_key(data)) in keys(object_storage)
    again = portfolio_pdf(data)
    assert again.hit and again.pdf == first.pdf
    # The bytes really are in the object store, not in this process.
    body = object_storage.get_object(Bucket=BUCKET, Key=cache_name(first.key))["Body"].read()
    assert body == first.pdf and body.startswith(b"%PDF-")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a worker in another process needs a database both can share: set DATABASE_URL to PostgreSQL",
)
def test_a_pack_a_worker_process_writes_to_the_bucket_is_downloaded_by_the_web_process(
    curriculum, object_storage, s3_server, tmp_path
):
    from tests.world import build_world

    world = build_world()
    snapshots = fill_visit(world, 2)  # the snapshots' PDFs are written to the bucket by this process
    assert {s.pdf.name for s in snapshots} <= keys(object_storage)
    with database_task_queue():
        pack = request_visit_pack(actor=world.user("admin"), visit=world.visit)
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": worker_database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # Another process with no shared disk: an empty MEDIA_ROOT of its own, and the bucket.
        "MEDIA_ROOT": str(tmp_path / "worker-disk"),
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": s3_server,
        "STORAGE_S3_REGION": "eu-west-2",
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
            if pack.finished:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.seek(0)
        output = log.read()
    assert pack.status == VisitPack.Status.READY, output
    assert pack.file.name in keys(object_storage)
    assert not default_storage.exists("does-not-exist")
    client = Client()
    client.force_login(world.user("admin"))
    assert_pack_is_consistent(download(client, pack), snapshots)
