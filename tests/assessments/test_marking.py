"""Attempts, marking, moderation, resits and sign-off through the services."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from assessments import services
from assessments.models import Attempt, AttemptRating, MitigatingCircumstances, SignOff
from assessments.rules import marks_digest
from assessments.selectors import competence_statuses, module_assessment_results
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    return world.enrolment


def status_of(enrolment, code, **kwargs):
    return next(s for s in competence_statuses(enrolment, **kwargs) if s.code == code)


def test_a_pass_not_sampled_is_agreed_at_once_and_signs_the_competence(world, enrolment):
    educator = world.user("educator")
    attempt = fa.mark(fa.submit(enrolment, files=[fa.pdf_upload()]), educator)
    assert attempt.status == Attempt.Status.AGREED
    assert attempt.outcome == Attempt.Outcome.PASSED
    assert attempt.total_score == 30
    assert AttemptRating.objects.filter(attempt=attempt).count() == 10
    sign_off = SignOff.objects.get(attempt=attempt)
    assert sign_off.signed_by == educator
    assert sign_off.signed_by_role == "educator"
    assert sign_off.method == attempt.method
    assert sign_off.marks_sha256 == marks_digest(sign_off.marks)
    assert sign_off.marks["ratings"]["fidelity"] == 3
    assert [e["name"] for e in sign_off.evidence] == ["recording-notes.pdf"]
    status = status_of(enrolment, "behavioural-activation")
    assert (status.status, status.signed_by, status.signed_by_role, status.sign_off_id) == (
        "signed",
        educator.display_name,
        "educator",
        sign_off.pk,
    )
    assert AuditEvent.objects.filter(action="competence.signed", object_id=str(sign_off.pk)).exists()


def test_moderation_is_required_for_fails(world, enrolment):
    attempt = fa.mark(fa.submit(enrolment), world.user("educator"), passed=False)
    assert attempt.status == Attempt.Status.AWAITING_MODERATION
    assert attempt.moderation_reason == Attempt.ModerationReason.FAIL
    assert attempt.outcome == ""
    assert status_of(enrolment, "behavioural-activation").status == "awaiting_moderation"
    # The database refuses a failed first mark without moderation, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(moderation_reason="")
    # ... and agreeing moderated marks without a second marker.
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(
            status="agreed", outcome="failed", agreed_at=timezone.now()
        )


def test_nobody_second_marks_their_own_marking(world, enrolment):
    educator = world.user("educator")
    attempt = fa.mark(fa.submit(enrolment), educator, passed=False)
    with pytest.raises(DomainError, match="another educator must moderate"):
        services.moderate_attempt(actor=educator, attempt=attempt, decision="agreed")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING_MODERATION
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(second_marker=educator)


def test_a_sampled_pass_is_moderated_and_the_moderator_signs(world, enrolment):
    fa.no_sampling(world.programme, percent=100)
    attempt = fa.mark(fa.submit(enrolment), world.user("educator"))
    assert attempt.moderation_reason == Attempt.ModerationReason.SAMPLE
    assert not SignOff.objects.exists()
    attempt = services.moderate_attempt(actor=world.user("lead"), attempt=attempt, decision="agreed")
    sign_off = SignOff.objects.get(attempt=attempt)
    assert (sign_off.signed_by, sign_off.signed_by_role) == (world.user("lead"), "programme_lead")
    assert sign_off.marks["first_marker"] == "educator"
    assert sign_off.marks["second_marker"] == "lead"


def test_the_moderator_can_change_the_outcome_with_a_reason(world, enrolment):
    attempt = fa.mark(fa.submit(enrolment), world.user("educator"), passed=False)
    with pytest.raises(DomainError, match="Say why"):
        services.moderate_attempt(
            actor=world.user("lead"), attempt=attempt, decision="changed", outcome="passed"
        )
    attempt = services.moderate_attempt(
        actor=world.user("lead"),
        attempt=attempt,
        decision="changed",
        outcome="passed",
        note="The risk assessment is on the recording at 12 minutes.",
    )
    assert attempt.outcome == "passed"
    assert attempt.first_outcome == "failed"
    assert SignOff.objects.filter(attempt=attempt).exists()


def test_the_pass_rule_is_data_a_low_item_fails_even_with_a_good_total(world, enrolment):
    attempt = fa.submit(enrolment)
    ratings = fa.ratings(attempt.component, 4, low={"fidelity": 1})
    attempt = services.mark_attempt(
        actor=world.user("educator"),
        attempt=attempt,
        ratings=ratings,
        feedback="Risk was not explored.",
        release_on=timezone.localdate(),
    )
    assert attempt.total_score == 37
    assert attempt.first_outcome == "failed"


def test_every_item_must_be_rated_on_the_scale(world, enrolment):
    attempt = fa.submit(enrolment)
    ratings = fa.ratings(attempt.component, 3)
    ratings.pop("fidelity")
    with pytest.raises(DomainError, match="Rate every item"):
        services.mark_attempt(
            actor=world.user("educator"),
            attempt=attempt,
            ratings=ratings,
            feedback="",
            release_on=timezone.localdate(),
        )
    with pytest.raises(DomainError, match="on the scale"):
        services.mark_attempt(
            actor=world.user("educator"),
            attempt=attempt,
            ratings=fa.ratings(attempt.component, 9),
            feedback="",
            release_on=timezone.localdate(),
        )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_a_written_piece_passes_at_the_pass_mark(world, enrolment):
    attempt = fa.submit(enrolment, "m1-written")
    attempt = services.mark_attempt(
        actor=world.user("educator"),
        attempt=attempt,
        percentage=50,
        feedback="",
        release_on=timezone.localdate(),
    )
    assert attempt.outcome == "passed"
    assert not SignOff.objects.exists()
    results = {r.code: r for r in module_assessment_results(enrolment)}
    assert results["m1-written"].outcome == "passed" and results["m1-written"].passed
    assert results["m1-practice"].outcome == "not_started"


def test_a_trainee_cannot_mark_even_through_the_service(world, enrolment):
    attempt = fa.submit(enrolment)
    for persona in ("trainee", "supervisor", "admin", "other_educator"):
        with pytest.raises(DomainError, match="Only an educator"):
            fa.mark(attempt, world.user(persona))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert not AttemptRating.objects.exists()


def test_a_failed_attempt_opens_a_resit_and_the_limit_needs_mitigation(world, enrolment):
    fa.failed(enrolment, first=world.user("educator"), second=world.user("lead"))
    status = status_of(enrolment, "behavioural-activation")
    assert (status.status, status.attempts_used, status.attempts_allowed) == ("failed", 1, 2)
    assert status.label == "Failed (attempt 1 of 2)"
    fa.failed(enrolment, first=world.user("educator"), second=world.user("lead"))
    assert status_of(enrolment, "behavioural-activation").label == "Failed (attempt 2 of 2)"
    with pytest.raises(DomainError, match="mitigating circumstances"):
        fa.submit(enrolment)
    component = fa.component(world.programme, "m2-clinical")
    competence = fa.competence(world.programme, "behavioural-activation")
    with pytest.raises(DomainError, match="programme administrator"):
        services.record_mitigating_circumstances(
            actor=world.user("lead"),
            enrolment=enrolment,
            component=component,
            competence=competence,
            reason="Bereavement",
            accepted_on=timezone.localdate(),
        )
    services.record_mitigating_circumstances(
        actor=world.user("admin"),
        enrolment=enrolment,
        component=component,
        competence=competence,
        reason="Bereavement during the resit week; panel accepted.",
        accepted_on=timezone.localdate(),
    )
    assert status_of(enrolment, "behavioural-activation").attempts_allowed == 3
    third = fa.submit(enrolment)
    assert third.number == 3
    assert AuditEvent.objects.filter(action="attempt.mitigation_accepted").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        MitigatingCircumstances.objects.update(reason="changed")


def test_mitigation_is_refused_while_an_attempt_is_still_available(world, enrolment):
    fa.failed(enrolment, first=world.user("educator"), second=world.user("lead"))
    with pytest.raises(DomainError, match="still available"):
        services.record_mitigating_circumstances(
            actor=world.user("admin"),
            enrolment=enrolment,
            component=fa.component(world.programme, "m2-clinical"),
            competence=fa.competence(world.programme, "behavioural-activation"),
            reason="Illness",
            accepted_on=timezone.localdate(),
        )


def test_only_one_attempt_waits_at_a_time_and_passed_work_is_not_resubmitted(world, enrolment):
    fa.submit(enrolment)
    with pytest.raises(DomainError, match="already waiting"):
        fa.submit(enrolment)
    written = fa.mark(fa.submit(enrolment, "m1-written"), world.user("educator"))
    assert written.outcome == "passed"
    with pytest.raises(DomainError, match="already passed"):
        fa.submit(enrolment, "m1-written")


def test_a_signed_competence_cannot_be_attempted_or_signed_again(world, enrolment):
    attempt = fa.signed(enrolment, first=world.user("educator"))
    with pytest.raises(DomainError, match="already signed off"):
        fa.submit(enrolment)
    with pytest.raises(ConflictError, match="was signed off by"):
        services.sign_off_competence(actor=world.user("lead"), attempt=attempt)
    assert SignOff.objects.count() == 1


def test_components_off_the_route_are_refused(world, curriculum):
    fa.ensure_reference()
    cpd = f_enrol_cpd(world)
    with pytest.raises(DomainError, match="not on"):
        fa.submit(cpd, "m3-values", "values")


def f_enrol_cpd(world):
    from tests import factories as f

    return f.EnrolmentFactory(cohort=world.cohort, route=f.route("cpd"))


def test_the_cpd_route_lists_only_its_modules_competences(world, curriculum):
    fa.ensure_reference()
    codes = [s.code for s in competence_statuses(f_enrol_cpd(world))]
    assert "values" not in codes
    assert codes[0] == "assessment" and len(codes) == 8


def test_marks_stay_hidden_from_the_trainee_until_the_release_date(world, enrolment):
    later = timezone.localdate() + timedelta(days=10)
    fa.mark(fa.submit(enrolment), world.user("educator"), release_on=later)
    assert status_of(enrolment, "behavioural-activation").status == "signed"
    trainee_view = status_of(enrolment, "behavioural-activation", released_only=True)
    assert (trainee_view.status, trainee_view.signed_by) == ("submitted", None)
    assert status_of(enrolment, "behavioural-activation", released_only=True, on=later).status == "signed"


def test_a_future_attempt_date_is_refused(world, enrolment):
    comp = fa.component(world.programme, "m1-written")
    with pytest.raises(DomainError, match="future"):
        services.submit_attempt(
            actor=enrolment.user,
            enrolment=enrolment,
            component=comp,
            method="written_submission",
            submitted_on=timezone.localdate() + timedelta(days=1),
        )


def test_marking_and_its_sign_off_can_be_recorded_at_a_past_moment(world, enrolment):
    attempt = fa.submit(enrolment)
    at = timezone.now() - timedelta(days=30)
    marked = services.mark_attempt(
        actor=world.user("educator"),
        attempt=attempt,
        feedback="Well paced.",
        release_on=timezone.localdate(),
        ratings=fa.ratings(attempt.component),
        at=at,
    )
    assert marked.first_marked_at == marked.agreed_at == at
    assert SignOff.objects.get(attempt=attempt).signed_at == at
