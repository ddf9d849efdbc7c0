"""Signed means immutable: the service and the database both refuse; reopening keeps the old record."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from assessments import services
from assessments.models import Attempt, AttemptRating, EvidenceFile, SignOff, SignOffReopening
from assessments.selectors import competence_statuses
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_off(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    attempt = fa.signed(world.enrolment, first=world.user("educator"))
    return SignOff.objects.get(attempt=attempt)


def status(enrolment, code="behavioural-activation"):
    return next(s for s in competence_statuses(enrolment) if s.code == code)


def test_the_database_refuses_to_update_or_delete_a_sign_off(sign_off):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.filter(pk=sign_off.pk).update(marks_sha256="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.filter(pk=sign_off.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_signoff SET signed_by_role = 'educator' WHERE id = %s", [sign_off.pk]
        )
    sign_off.refresh_from_db()
    assert SignOff.objects.filter(pk=sign_off.pk, marks_sha256=sign_off.marks_sha256).exists()


def test_the_database_refuses_to_change_agreed_marks_and_their_ratings(sign_off):
    attempt = sign_off.attempt
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(feedback="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttemptRating.objects.filter(attempt=attempt).update(rating=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttemptRating.objects.filter(attempt=attempt).delete()
    attempt.refresh_from_db()
    assert attempt.feedback.startswith("Clear rationale")


def test_an_open_attempt_can_still_move_on_but_evidence_is_written_once(world, sign_off):
    attempt = fa.submit(world.enrolment, competence_code="exposure-therapy", files=[fa.pdf_upload()])
    assert Attempt.objects.filter(pk=attempt.pk).update(note="changed") == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.filter(attempt=attempt).update(original_name="other.pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.filter(attempt=attempt).delete()


@pytest.mark.parametrize("persona", ["educator", "admin", "trainee", "supervisor", "other_educator"])
def test_only_the_programme_lead_can_reopen(world, sign_off, persona):
    with pytest.raises(DomainError, match="Only the programme lead"):
        services.reopen_sign_off(
            actor=world.user(persona), sign_off=sign_off, reason="Evidence was incomplete"
        )
    assert not SignOffReopening.objects.exists()
    assert status(world.enrolment).status == "signed"


def test_reopening_keeps_the_old_record_writes_an_audit_event_and_allows_a_new_sign_off(world, sign_off):
    before = SignOff.objects.filter(pk=sign_off.pk).values().get()
    with pytest.raises(DomainError, match="Say why"):
        services.reopen_sign_off(actor=world.user("lead"), sign_off=sign_off, reason="  ")
    reopening = services.reopen_sign_off(
        actor=world.user("lead"), sign_off=sign_off, reason="The recording was of another trainee's session."
    )
    assert SignOff.objects.filter(pk=sign_off.pk).values().get() == before
    event = AuditEvent.objects.get(action="competence.reopened")
    assert (event.actor, event.object_type, event.object_id) == (
        world.user("lead"),
        "assessments.signoff",
        str(sign_off.pk),
    )
    assert event.before["status"] == "signed" and event.after["reason"] == reopening.reason
    reopened = status(world.enrolment)
    assert (reopened.status, reopened.sign_off_id, reopened.attempts_allowed) == ("reopened", sign_off.pk, 3)
    with pytest.raises(ConflictError, match="already been reopened"):
        services.reopen_sign_off(actor=world.user("lead"), sign_off=sign_off, reason="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffReopening.objects.filter(pk=reopening.pk).update(reason="softened")

    # A new attempt is needed; it signs the competence again, following the reopening.
    attempt = fa.submit(world.enrolment)
    assert status(world.enrolment).status == "submitted"
    fa.mark(attempt, world.user("educator"))
    new = SignOff.objects.get(attempt=attempt)
    assert new.follows == reopening
    current = status(world.enrolment)
    assert (current.status, current.sign_off_id, current.attempts_used) == ("signed", new.pk, 2)
    assert SignOff.objects.current().filter(enrolment=world.enrolment).count() == 1


def test_the_database_allows_only_one_first_sign_off_per_competence(world, sign_off):
    other = fa.submit(world.enrolment, competence_code="exposure-therapy")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(
            enrolment=world.enrolment,
            competence=sign_off.competence,
            attempt=other,
            signed_by=world.user("lead"),
            signed_by_role="programme_lead",
            method=other.method,
            marks={},
            marks_sha256="0" * 64,
        )


def test_a_sign_off_and_its_audit_event_stand_or_fall_together(world, monkeypatch):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    attempt = fa.submit(world.enrolment)

    def broken(**kwargs):
        if kwargs["action"] == "competence.signed":
            raise RuntimeError("audit store unavailable")
        return original(**kwargs)

    from assessments.services import signoffs

    original = signoffs.record_event
    monkeypatch.setattr(signoffs, "record_event", broken)
    with pytest.raises(RuntimeError):
        fa.mark(attempt, world.user("educator"))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert not SignOff.objects.exists()
    assert not AttemptRating.objects.exists()
    assert not AuditEvent.objects.filter(action="attempt.marked").exists()
