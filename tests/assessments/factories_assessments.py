"""Builders for assessment records, made through the real services so every test exercises the same rules.

Reference data (fixtures/assessments.json) is loaded on demand: the shared session fixture loads only the
curriculum, and transactional tests flush it away.
"""

import io
import struct
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentComponent, AssessmentScheme, Attempt
from assessments.reference import load_assessments
from curriculum.models import Competence, ProgrammeMembership
from tests import factories as f

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MP3_BYTES = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 32
MP4_BYTES = struct.pack(">I", 24) + b"ftypisom" + b"\x00" * 24
M4A_BYTES = struct.pack(">I", 24) + b"ftypM4A " + b"\x00" * 24
WAV_BYTES = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + b"\x00" * 24


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def pdf_upload(name="recording-notes.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ensure_reference():
    if not AssessmentScheme.objects.exists():
        load_assessments()


def component(programme, code):
    ensure_reference()
    return AssessmentComponent.objects.get(
        scheme__edition=programme.edition, scheme__is_default=True, code=code
    )


def competence(programme, code):
    return Competence.objects.get(edition=programme.edition, code=code)


def marker(programme, username="marker.three", role=ProgrammeMembership.Role.EDUCATOR):
    user = f.UserFactory(username=username)
    ProgrammeMembership.objects.get_or_create(programme=programme, user=user, defaults={"role": role})
    return user


def ratings(component, value=3, low=None):
    """Every item rated `value`; `low` maps item codes to other ratings."""
    codes = component.marking_scheme.criteria.values_list("code", flat=True)
    return {code: (low or {}).get(code, value) for code in codes}


def submit(enrolment, code="m2-clinical", competence_code="behavioural-activation", *, actor=None, files=()):
    programme = enrolment.cohort.programme
    comp = component(programme, code)
    return services.submit_attempt(
        actor=actor or enrolment.user,
        enrolment=enrolment,
        component=comp,
        competence=competence(programme, competence_code) if comp.competences.exists() else None,
        method=comp.methods[0],
        submitted_on=timezone.localdate() - timedelta(days=7),
        files=files,
    )


def mark(attempt, actor, *, passed=True, release_on=None):
    comp = attempt.component
    kwargs = {}
    if comp.marking == AssessmentComponent.Marking.CRITERIA:
        kwargs["ratings"] = ratings(comp, 3 if passed else 1)
    elif comp.marking == AssessmentComponent.Marking.PERCENTAGE:
        kwargs["percentage"] = 65 if passed else 30
    else:
        kwargs["outcome"] = Attempt.Outcome.PASSED if passed else Attempt.Outcome.FAILED
    return services.mark_attempt(
        actor=actor,
        attempt=attempt,
        feedback="Clear rationale; keep working on agenda setting." if passed else "Risk was not assessed.",
        release_on=release_on or timezone.localdate(),
        **kwargs,
    )


def no_sampling(programme, percent=0, attempts=2):
    """Fix the programme's moderation sample so a pass is (0) or is always (100) moderated."""
    ensure_reference()
    scheme = AssessmentScheme.objects.get(edition=programme.edition, is_default=True)
    services.configure_programme_assessment(
        actor=None,
        programme=programme,
        scheme=scheme,
        attempts_allowed=attempts,
        moderation_sample_percent=percent,
    )


def signed(enrolment, competence_code="behavioural-activation", *, first=None, second=None):
    """A competence passed and signed off (moderated when the programme's sample picks it)."""
    programme = enrolment.cohort.programme
    first = first or marker(programme)
    attempt = mark(submit(enrolment, competence_code=competence_code), first)
    if attempt.status == Attempt.Status.AWAITING_MODERATION:
        attempt = services.moderate_attempt(
            actor=second or marker(programme, "marker.four"), attempt=attempt, decision="agreed"
        )
    return attempt


def failed(
    enrolment, code="m2-clinical", competence_code="behavioural-activation", *, first=None, second=None
):
    """An attempt failed and agreed by a second marker."""
    programme = enrolment.cohort.programme
    attempt = mark(submit(enrolment, code, competence_code), first or marker(programme), passed=False)
    return services.moderate_attempt(
        actor=second or marker(programme, "marker.four"), attempt=attempt, decision="agreed"
    )
