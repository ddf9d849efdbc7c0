"""Evidence follows quality.md: allow-list, size cap, magic bytes, server-chosen names, checked downloads."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from assessments import services
from assessments.evidence import check_upload, clean_original_name
from assessments.models import Attempt, EvidenceFile
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list[str]:
    return [os.path.join(d, name) for d, _, names in os.walk(media_root) for name in names]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.pdf", fa.PDF_BYTES, "application/pdf"),
        (
            "Case Report.DOCX",
            fa.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("session.mp3", fa.MP3_BYTES, "audio/mpeg"),
        ("session.m4a", fa.M4A_BYTES, "audio/mp4"),
        ("role-play.mp4", fa.MP4_BYTES, "video/mp4"),
        ("session.wav", fa.WAV_BYTES, "audio/wav"),
        ("formulation.jpg", fa.JPEG_BYTES, "image/jpeg"),
        ("formulation.png", fa.PNG_BYTES, "image/png"),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(name, content, content_type):
    checked = check_upload(SimpleUploadedFile(name, content, content_type="application/octet-stream"))
    assert checked.content_type == content_type  # from the allow-list, never from the browser
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.html", b"<html><script>alert(1)</script>", "not a file type"),
        ("tool.exe", b"MZ\x90\x00", "not a file type"),
        ("no-extension", fa.PDF_BYTES, "not a file type"),
        ("disguised.pdf", fa.PNG_BYTES, "does not look like a PDF"),
        ("disguised.png", b"<svg onload=alert(1)>", "does not look like a PNG"),
        ("zip-not-word.docx", b"PK\x03\x04" + b"\x00" * 40, "does not look like a Word"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_other_types_and_content_that_does_not_match_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(SimpleUploadedFile(name, content))


def test_files_above_the_size_cap_are_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    check_upload(SimpleUploadedFile("ok.pdf", fa.PDF_BYTES + b"\x00" * (1024 * 1024 - len(fa.PDF_BYTES))))
    with pytest.raises(ValidationError, match="larger than 1.0"):
        check_upload(SimpleUploadedFile("big.pdf", fa.PDF_BYTES + b"\x00" * (1024 * 1024)))


def test_the_uploaders_file_name_is_only_a_label():
    assert clean_original_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_original_name("C:\\Users\\me\\notes.pdf") == "notes.pdf"
    assert clean_original_name("rep\x00ort\u202e.pdf") == "report.pdf"
    assert len(clean_original_name("a" * 300 + ".pdf")) == 200


def test_stored_names_are_chosen_by_the_server(world, media_root):
    fa.ensure_reference()
    attempt = fa.submit(world.enrolment, files=[fa.pdf_upload("Maya Patel role play.PDF")])
    evidence = attempt.evidence.get()
    assert evidence.original_name == "Maya Patel role play.PDF"
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert "Maya" not in evidence.file.name
    assert stored_files(media_root) == [str(media_root / evidence.file.name)]
    event = AuditEvent.objects.get(action="evidence.uploaded")
    assert event.after["sha256"] == evidence.sha256


def test_downloads_are_checked_attachments_never_sniffed_and_audited(client, world):
    fa.ensure_reference()
    attempt = fa.submit(world.enrolment, files=[fa.pdf_upload("reflection.pdf")])
    evidence = attempt.evidence.get()
    client.force_login(world.user("supervisor"))
    response = client.get(reverse("assessments:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="reflection.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == fa.PDF_BYTES
    assert AuditEvent.objects.filter(
        action="evidence.downloaded", actor=world.user("supervisor"), object_id=str(evidence.pk)
    ).exists()
    client.force_login(world.user("other_supervisor"))
    assert client.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404


def test_a_failure_part_way_leaves_no_orphaned_file(world, media_root, monkeypatch):
    fa.ensure_reference()
    from assessments.services import attempts

    original = attempts.record_event

    def failing(**kwargs):
        if kwargs["action"] == "evidence.uploaded":
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(attempts, "record_event", failing)
    with pytest.raises(RuntimeError):
        fa.submit(world.enrolment, files=[fa.pdf_upload(), fa.pdf_upload("second.pdf")])
    assert not Attempt.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(media_root) == []


def test_a_refused_file_stores_nothing_at_all(world, media_root):
    fa.ensure_reference()
    with pytest.raises(DomainError, match="does not look like a PDF"):
        fa.submit(world.enrolment, files=[fa.pdf_upload(), SimpleUploadedFile("fake.pdf", fa.PNG_BYTES)])
    assert not Attempt.objects.exists()
    assert stored_files(media_root) == []


def test_evidence_can_be_added_only_while_an_attempt_waits_for_marking(client, world, media_root):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    attempt = fa.submit(world.enrolment)
    client.force_login(world.user("trainee"))
    url = reverse("assessments:add_evidence", args=[attempt.pk])
    bad = client.post(url, {"files": SimpleUploadedFile("x.html", b"<html>")})
    assert bad.status_code == 200 and "not a file type you can upload" in bad.content.decode()
    assert client.post(url, {"files": fa.pdf_upload()}).status_code == 302
    assert attempt.evidence.count() == 1
    fa.mark(attempt, world.user("educator"))
    with pytest.raises(ConflictError, match="can no longer be added"):
        services.add_evidence(actor=world.user("trainee"), attempt=attempt, files=[fa.pdf_upload()])
    assert len(stored_files(media_root)) == 1
