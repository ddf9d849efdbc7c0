"""Submitting a portfolio freezes it; the database refuses to change it; anyone can verify it."""

import hashlib
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from accreditation.models import PortfolioSnapshot
from accreditation.models.portfolios import CODE_ALPHABET, new_verification_code, normalise_verification_code
from accreditation.portfolio.data import data_sha256
from accreditation.portfolio.services import submit_portfolio
from tests import factories as f
from tests.accreditation.factories_portfolios import SnapshotFactory
from trainees.models import Enrolment, SupervisorAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def snapshot(world):
    return submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)


def read(snapshot) -> bytes:
    with snapshot.pdf.open("rb") as handle:
        return handle.read()


def test_submitting_freezes_the_pdf_the_data_their_hashes_who_and_when(world, snapshot):
    pdf = read(snapshot)
    assert pdf.startswith(b"%PDF-")
    assert snapshot.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert snapshot.pdf_size == len(pdf)
    assert snapshot.data_sha256 == data_sha256(snapshot.data)
    assert snapshot.data["trainee"]["name"] == world.user("trainee").display_name
    assert snapshot.submitted_by == world.user("trainee")
    assert snapshot.scheme_code == "course-completion"
    assert snapshot.pdf.name.startswith("portfolios/snapshots/")
    assert world.user("trainee").username not in snapshot.pdf.name  # a server-chosen name
    event = AuditEvent.objects.get(action="portfolio.submitted")
    assert event.actor == world.user("trainee")
    assert event.after["pdf_sha256"] == snapshot.pdf_sha256


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_submitted_pdf_carries_its_verification_code(snapshot, tmp_path):
    path = tmp_path / "s.pdf"
    path.write_bytes(read(snapshot))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert f"Verification code: {snapshot.verification_code}" in text
    assert "/verify/" in text


def test_only_the_trainee_can_submit_their_portfolio(world):
    for persona in ("supervisor", "educator", "admin", "other_trainee"):
        with pytest.raises(DomainError, match="Only the trainee"):
            submit_portfolio(actor=world.user(persona), enrolment=world.enrolment)
    assert not PortfolioSnapshot.objects.exists()


def test_a_withdrawn_trainee_cannot_submit(world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    world.enrolment.refresh_from_db()
    with pytest.raises(DomainError, match="withdrawn"):
        submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_update_or_delete_a_snapshot(curriculum):
    from tests.world import build_world

    world = build_world()
    snapshot = SnapshotFactory(enrolment=world.enrolment)
    for attempt in (
        lambda: PortfolioSnapshot.objects.filter(pk=snapshot.pk).update(scheme_code="bps-wpw-register"),
        lambda: PortfolioSnapshot.objects.filter(pk=snapshot.pk).update(pdf_sha256="0" * 64),
        lambda: PortfolioSnapshot.objects.filter(pk=snapshot.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PortfolioSnapshot._meta.db_table}")
    fresh = PortfolioSnapshot.objects.get(pk=snapshot.pk)
    assert (fresh.scheme_code, fresh.pdf_sha256) == (snapshot.scheme_code, snapshot.pdf_sha256)


def test_a_later_change_leaves_the_snapshot_as_it_was_and_a_new_one_can_be_submitted(world, snapshot):
    before = (read(snapshot), snapshot.data, snapshot.pdf_sha256)
    f.SupervisorAssignmentFactory(
        enrolment=world.enrolment, kind=SupervisorAssignment.Kind.LINE_MANAGER, supervisor=f.UserFactory()
    )
    world.enrolment.user.first_name = "Renamed"
    world.enrolment.user.save(update_fields=["first_name"])
    snapshot = PortfolioSnapshot.objects.get(pk=snapshot.pk)
    assert (read(snapshot), snapshot.data, snapshot.pdf_sha256) == before
    newer = submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)
    assert newer.pk != snapshot.pk
    assert newer.data["trainee"]["name"].startswith("Renamed")
    assert newer.verification_code != snapshot.verification_code
    assert newer.pdf_sha256 != snapshot.pdf_sha256


def test_submitting_unchanged_records_twice_is_refused_with_the_existing_code(world, snapshot):
    with pytest.raises(DomainError, match=snapshot.verification_code):
        submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)
    # Another scheme is another portfolio.
    submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment, scheme_code="bps-wpw-register")
    assert PortfolioSnapshot.objects.count() == 2


def test_a_failed_save_leaves_no_orphaned_file(world, monkeypatch):
    from django.core.files.storage import default_storage

    import accreditation.portfolio.services as services

    saved = []
    original_save = PortfolioSnapshot.save

    def failing_save(self, *args, **kwargs):
        saved.append(self.pdf.name)
        raise IntegrityError("simulated failure")

    monkeypatch.setattr(PortfolioSnapshot, "save", failing_save)
    with pytest.raises(IntegrityError):
        services.submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)
    monkeypatch.setattr(PortfolioSnapshot, "save", original_save)
    assert saved and not default_storage.exists(saved[0])
    assert not AuditEvent.objects.filter(action="portfolio.submitted").exists()


def test_the_trainee_submits_through_the_page(client, world):
    client.force_login(world.user("trainee"))
    page = client.get(reverse("portfolios:trainee", args=[world.enrolment.pk]))
    assert "Submit your portfolio" in page.content.decode()
    url = reverse("portfolios:submit", args=[world.enrolment.pk])
    refused = client.post(url, {"scheme": "course-completion"})
    assert refused.status_code == 400
    assert "Confirm that the portfolio is yours" in refused.content.decode()
    response = client.post(url, {"scheme": "course-completion", "confirm": "on"})
    snapshot = PortfolioSnapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:snapshot", args=[snapshot.pk])
    page = client.get(response["Location"]).content.decode()
    assert snapshot.verification_code in page
    assert snapshot.pdf_sha256 in page
    again = client.post(url, {"scheme": "course-completion", "confirm": "on"})
    assert again.status_code == 409
    assert "Nothing has changed" in again.content.decode()


def run_queued_tasks():
    """What a db_worker does with each task, in this process and transaction (the command itself closes the
    connection, which a test's transaction on PostgreSQL does not survive)."""
    from django_tasks_db.models import DBTaskResult

    for row in DBTaskResult.objects.ready():
        row.claim("test")
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))


def test_a_submission_waits_for_the_worker_and_the_request_never_renders(client, world, monkeypatch):
    """With the database queue the POST only queues the task: the sealed PDF is rendered by the worker, and
    the progress page shows the snapshot once it is done. Another person's look at the task is a 404."""
    import accreditation.portfolio.services as portfolio_services
    from tests.accreditation.test_packs import database_task_queue

    rendered_in = []
    original = portfolio_services.render_portfolio_pdf
    monkeypatch.setattr(
        portfolio_services,
        "render_portfolio_pdf",
        lambda *a, **k: rendered_in.append("render") or original(*a, **k),
    )
    client.force_login(world.user("trainee"))
    url = reverse("portfolios:submit", args=[world.enrolment.pk])
    with database_task_queue():
        response = client.post(url, {"scheme": "course-completion", "confirm": "on"})
        assert response.status_code == 302 and "/submit/" in response["Location"]
        assert rendered_in == [] and not PortfolioSnapshot.objects.exists()
        waiting = client.get(response["Location"])
        assert (
            "being frozen" in waiting.content.decode() and 'http-equiv="refresh"' in waiting.content.decode()
        )
        run_queued_tasks()
        assert rendered_in == ["render"]
        done = client.get(response["Location"])
        snapshot = PortfolioSnapshot.objects.get()
        assert done.status_code == 302 and done["Location"] == reverse(
            "portfolios:snapshot", args=[snapshot.pk]
        )
        client.force_login(world.user("other_trainee"))
        assert client.get(response["Location"]).status_code == 404


def test_a_submission_whose_worker_died_stops_waiting_and_can_be_tried_again(client, world, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.accreditation.test_packs import database_task_queue

    client.force_login(world.user("trainee"))
    # Set before the queue's override, not inside it: the fixture undoes its change when the test ends, after
    # the block, and would bring the block's database queue back for every later test.
    settings.PORTFOLIO_RENDER_TIMEOUT_SECONDS = 300
    with database_task_queue():
        url = reverse("portfolios:submit", args=[world.enrolment.pk])
        response = client.post(url, {"scheme": "course-completion", "confirm": "on"})
        DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=6))
        page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("portfolios:trainee", args=[world.enrolment.pk])
    assert "stopped before it finished" in page.content.decode() and not PortfolioSnapshot.objects.exists()


def test_others_who_see_the_record_cannot_submit_for_the_trainee(client, world):
    for persona, status in [("supervisor", 403), ("educator", 403), ("admin", 403), ("other_trainee", 404)]:
        client.force_login(world.user(persona))
        response = client.post(
            reverse("portfolios:submit", args=[world.enrolment.pk]),
            {"scheme": "course-completion", "confirm": "on"},
        )
        assert response.status_code == status, persona
    assert not PortfolioSnapshot.objects.exists()


def test_the_snapshot_download_is_the_frozen_file_and_is_audited(client, world, snapshot):
    client.force_login(world.user("educator"))
    response = client.get(reverse("portfolios:snapshot_pdf", args=[snapshot.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == read(snapshot)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="portfolio.snapshot_downloaded", actor=world.user("educator"), object_id=str(snapshot.pk)
    ).exists()


# --- Verification -------------------------------------------------------------------------------


def verify(client, **data):
    return client.post(reverse("portfolios:verify"), data)


def test_an_untouched_file_verifies_without_an_account(client, world, snapshot):
    response = verify(client, document=SimpleUploadedFile("p.pdf", read(snapshot), "application/pdf"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This file matches a submitted portfolio" in page
    assert world.user("trainee").display_name in page
    assert world.programme.name in page
    assert "course-completion" in page
    # Only the minimum: nothing from inside the portfolio, not the cohort, service or supervisors.
    assert world.cohort.name not in page
    assert world.enrolment.employing_service.name not in page
    assert world.user("supervisor").display_name not in page
    assert snapshot.pdf_sha256 not in page
    assert AuditEvent.objects.filter(action="portfolio.verified", object_id=str(snapshot.pk)).exists()


def test_a_modified_file_is_refused(client, snapshot):
    pdf = bytearray(read(snapshot))
    pdf[len(pdf) // 2] ^= 0x01  # one bit
    response = verify(client, document=SimpleUploadedFile("p.pdf", bytes(pdf), "application/pdf"))
    page = response.content.decode()
    assert "does not match any submitted portfolio" in page
    assert snapshot.enrolment.user.display_name not in page
    appended = read(snapshot) + b"\n% an innocent-looking addition\n"
    page = verify(client, document=SimpleUploadedFile("p.pdf", appended, "application/pdf")).content.decode()
    assert "does not match any submitted portfolio" in page
    assert AuditEvent.objects.filter(action="portfolio.verification_failed").count() == 2


def test_a_file_with_the_wrong_code_does_not_match(client, snapshot):
    other = new_verification_code()
    upload = SimpleUploadedFile("p.pdf", read(snapshot), "application/pdf")
    page = verify(client, code=other, document=upload).content.decode()
    assert "does not match" in page


def test_a_code_verifies_however_it_is_typed(client, world, snapshot):
    typed = snapshot.verification_code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    page = verify(client, code=typed).content.decode()
    assert "This code belongs to a submitted portfolio" in page
    assert world.user("trainee").display_name in page
    page = verify(client, code=new_verification_code()).content.decode()
    assert "No submitted portfolio has this verification code" in page


def test_verification_refuses_nonsense_and_non_pdfs(client):
    response = verify(client)
    assert response.status_code == 400
    assert "Enter a verification code or upload a PDF" in response.content.decode()
    response = verify(
        client, document=SimpleUploadedFile("p.pdf", b"<html>not a pdf</html>", "application/pdf")
    )
    assert "The file must be a PDF" in response.content.decode()
    assert "Enter the 12-character" in verify(client, code="ABC").content.decode()


def test_verification_is_rate_limited_per_address(client, snapshot):
    for _ in range(20):
        assert verify(client, code=new_verification_code()).status_code == 200
    limited = verify(client, code=snapshot.verification_code)
    assert limited.status_code == 429
    assert "Too many checks" in limited.content.decode()
    assert snapshot.enrolment.user.display_name not in limited.content.decode()


def test_verification_codes_are_short_unguessable_and_normalised():
    codes = {new_verification_code() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:20]:
        assert len(code) == 14 and code.count("-") == 2
        assert all(ch in CODE_ALPHABET for ch in code.replace("-", ""))
        assert normalise_verification_code(code.lower().replace("-", "")) == code
    assert normalise_verification_code("too short") == ""


def test_the_verification_limit_is_counted_where_every_worker_process_sees_it(client, snapshot, monkeypatch):
    """A per-process counter multiplied with the workers; the count lives in the one cache, which a deployment
    shares between processes (the database's table by default, Redis by URL)."""
    from django.core.cache import cache

    from config.env import cache_from_env

    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_from_env()["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    verify(client, code=snapshot.verification_code)
    assert [key for key in cache._cache if "portfolio-verify:" in key]  # tests run on locmem://
