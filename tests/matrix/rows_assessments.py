"""Competence assessment pages. Records are built inside each persona's rolled-back transaction through the
real services (tests/assessments/factories_assessments.py), so every persona meets the same fresh state."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, SignOff
from tests.assessments import factories_assessments as fa
from tests.matrix import CAN_SEE_TRAINEE, STAFF_OF_A, Row, allow, expect

MARKERS_OF_A = ("educator", "lead")
# Those who may see trainee T1's record but may not mark it get 403; everyone else 404.
SEE_BUT_NOT_MARK = {"trainee": 403, "supervisor": 403, "admin": 403}


def submitted(world) -> Attempt:
    """T1's attempt waiting for its first marking: the one already open, or a new one.

    The rules allow one open attempt at a competence, so pages built in one shared world (the browser's
    reflow walk) share it; each persona's rolled-back state in the matrix starts with none."""
    fa.ensure_reference()
    open_attempt = Attempt.objects.filter(enrolment=world.enrolment, status=Attempt.Status.SUBMITTED).first()
    return open_attempt or fa.submit(world.enrolment)


def awaiting_moderation(world) -> Attempt:
    fa.ensure_reference()
    return fa.mark(fa.submit(world.enrolment), fa.marker(world.programme), passed=False)


def sign_off(world) -> SignOff:
    fa.no_sampling(world.programme)
    return SignOff.objects.get(attempt=fa.signed(world.enrolment))


def exhausted(world) -> Attempt:
    fa.ensure_reference()
    fa.failed(world.enrolment)
    return fa.failed(world.enrolment)


def evidence(world):
    attempt = submitted(world)
    return services.add_evidence(actor=world.enrolment.user, attempt=attempt, files=[fa.pdf_upload()])[0]


def submit_data(world) -> dict:
    component = fa.component(world.programme, "m2-clinical")
    competence = fa.competence(world.programme, "behavioural-activation")
    return {
        "target": f"{component.pk}:{competence.pk}",
        "method": "recorded_role_play",
        "submitted_on": timezone.localdate().isoformat(),
    }


def mark_data(world) -> dict:
    component = fa.component(world.programme, "m2-clinical")
    items = {f"item_{code}": "3" for code in fa.ratings(component)}
    return {**items, "feedback": "Good session.", "release_on": timezone.localdate().isoformat()}


def mitigation_data(world) -> dict:
    component = fa.component(world.programme, "m2-clinical")
    competence = fa.competence(world.programme, "behavioural-activation")
    return {
        "scope": f"{component.pk}:{competence.pk}",
        "reason": "Bereavement in the week of the resit; accepted by the panel.",
        "accepted_on": timezone.localdate().isoformat(),
    }


ROWS = {
    # Programme staff read a programme's assessment rules; the lead and administrators change them there.
    "assessments:programme_settings": Row(
        lambda w: reverse("assessments:programme_settings", args=[w.programme.code]), allow(*STAFF_OF_A)
    ),
    "assessments:queue": Row(
        lambda w: reverse("assessments:queue"),
        expect(default=403, educator=200, lead=200, other_educator=200),
    ),
    "assessments:grid": Row(lambda w: reverse("assessments:grid", args=[w.cohort.code]), allow(*STAFF_OF_A)),
    "assessments:grid_export": Row(
        lambda w: reverse("assessments:grid_export", args=[w.cohort.code]), allow(*STAFF_OF_A)
    ),
    "assessments:trainee": Row(
        lambda w: reverse("assessments:trainee", args=[w.enrolment.pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "assessments:submit": Row(
        lambda w: (fa.ensure_reference(), reverse("assessments:submit", args=[w.enrolment.pk]))[1],
        expect(trainee=302, educator=302, lead=302, admin=302, supervisor=403),
        method="post",
        data=submit_data,
    ),
    "assessments:mitigation": Row(
        lambda w: (exhausted(w), reverse("assessments:mitigation", args=[w.enrolment.pk]))[1],
        expect(admin=302, educator=403, lead=403, trainee=403, supervisor=403),
        method="post",
        data=mitigation_data,
    ),
    "assessments:attempt": Row(
        lambda w: reverse("assessments:attempt", args=[submitted(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "assessments:mark": Row(
        lambda w: reverse("assessments:mark", args=[submitted(w).pk]),
        expect(**dict.fromkeys(MARKERS_OF_A, 302), **SEE_BUT_NOT_MARK),
        method="post",
        data=mark_data,
    ),
    "assessments:moderate": Row(
        lambda w: reverse("assessments:moderate", args=[awaiting_moderation(w).pk]),
        expect(**dict.fromkeys(MARKERS_OF_A, 302), **SEE_BUT_NOT_MARK),
        method="post",
        data=lambda w: {"decision": "agreed"},
    ),
    "assessments:add_evidence": Row(
        lambda w: reverse("assessments:add_evidence", args=[submitted(w).pk]),
        expect(trainee=302, educator=302, lead=302, admin=302, supervisor=403),
        method="post",
        data=lambda w: {"files": SimpleUploadedFile("notes.pdf", fa.PDF_BYTES, "application/pdf")},
    ),
    "assessments:audit": Row(
        lambda w: reverse("assessments:audit", args=[submitted(w).pk]),
        expect(admin=200, educator=403, lead=403, trainee=403, supervisor=403),
    ),
    "assessments:evidence": Row(
        lambda w: reverse("assessments:evidence", args=[evidence(w).pk]), allow(*CAN_SEE_TRAINEE)
    ),
    "assessments:reopen": Row(
        lambda w: reverse("assessments:reopen", args=[sign_off(w).pk]),
        expect(lead=302, educator=403, admin=403, trainee=403, supervisor=403),
        method="post",
        data=lambda w: {"reason": "The recording was of another trainee's session."},
    ),
}
