"""The assessment pages: who may do what, what each person sees, and clear messages when someone else won."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from assessments.models import Attempt, AttemptRating, SignOff, SignOffReopening
from assessments.services import signoffs
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)


def login(client, world, persona):
    client.force_login(world.user(persona))
    return client


def mark_data(attempt, value=3, release_on=None):
    items = {f"item_{code}": str(value) for code in fa.ratings(attempt.component)}
    release_on = release_on or timezone.localdate()
    return {**items, "feedback": "Warm and well paced.", "release_on": release_on.isoformat()}


def test_an_educator_marks_through_the_page_and_the_competence_is_signed(client, world, scheme):
    attempt = fa.submit(world.enrolment)
    login(client, world, "educator")
    page = client.get(reverse("assessments:mark", args=[attempt.pk]))
    assert page.status_code == 200
    assert "Assessing risk" not in page.content.decode()  # a treatment session uses the treatment items
    assert "Delivering the intervention accurately" in page.content.decode()
    response = client.post(reverse("assessments:mark", args=[attempt.pk]), mark_data(attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.outcome, attempt.first_marker) == (
        "agreed",
        "passed",
        world.user("educator"),
    )
    assert SignOff.objects.filter(attempt=attempt).exists()


def test_a_missing_rating_is_shown_in_the_nhs_error_pattern(client, world, scheme):
    attempt = fa.submit(world.enrolment)
    data = mark_data(attempt)
    data.pop("item_fidelity")
    response = login(client, world, "educator").post(reverse("assessments:mark", args=[attempt.pk]), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and "nhsuk-error-message" in content
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "admin"])
def test_a_trainee_cannot_post_marks_whatever_the_post_contains(client, world, scheme, persona):
    attempt = fa.submit(world.enrolment)
    data = {
        **mark_data(attempt),
        "status": "agreed",
        "outcome": "passed",
        "first_marker": world.user(persona).pk,
    }
    response = login(client, world, persona).post(reverse("assessments:mark", args=[attempt.pk]), data)
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert (attempt.status, attempt.outcome, attempt.first_marker) == ("submitted", "", None)
    assert not AttemptRating.objects.exists() and not SignOff.objects.exists()
    assert AuditEvent.objects.filter(action="access.forbidden", actor=world.user(persona)).exists()


def test_an_educator_on_another_programme_gets_404_and_nothing_changes(client, world, scheme):
    attempt = fa.submit(world.enrolment, files=[fa.pdf_upload()])
    login(client, world, "other_educator")
    urls = [
        reverse("assessments:grid", args=[world.cohort.code]),
        reverse("assessments:grid_export", args=[world.cohort.code]),
        reverse("assessments:trainee", args=[world.enrolment.pk]),
        reverse("assessments:attempt", args=[attempt.pk]),
        reverse("assessments:evidence", args=[attempt.evidence.get().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("assessments:mark", args=[attempt.pk]), mark_data(attempt))
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert AuditEvent.objects.filter(action="access.refused", actor=world.user("other_educator")).count() == 6


def test_the_loser_of_a_simultaneous_sign_off_sees_a_clear_message_not_an_error(
    client, world, scheme, monkeypatch
):
    """Two educators had the same competence open: the other one's sign-off landed between this one's check
    and insert. The database refuses the second sign-off; the page answers 409 and keeps nothing."""
    winner = fa.signed(world.enrolment, first=world.user("lead"))
    # The attempt this educator was marking (made before the winner's sign-off, as in a real race).
    attempt = Attempt.objects.create(
        enrolment=world.enrolment,
        component=winner.component,
        competence=winner.competence,
        number=2,
        method=winner.method,
        submitted_on=winner.submitted_on,
        submitted_by=world.user("trainee"),
    )
    monkeypatch.setattr(signoffs, "current_sign_off", lambda *args: None)  # the check ran before the winner
    response = login(client, world, "educator").post(
        reverse("assessments:mark", args=[attempt.pk]), mark_data(attempt)
    )
    assert response.status_code == 409
    assert "Another educator has just signed off Behavioural activation" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and not attempt.ratings.exists()
    assert SignOff.objects.filter(enrolment=world.enrolment).count() == 1


def test_marking_an_attempt_someone_has_just_marked_answers_409(client, world, scheme):
    attempt = fa.submit(world.enrolment)
    login(client, world, "educator")
    stale = mark_data(attempt)
    fa.mark(attempt, world.user("lead"))
    response = client.post(reverse("assessments:mark", args=[attempt.pk]), stale)
    assert response.status_code == 409
    assert "Someone else has just marked this attempt" in response.content.decode()


def test_the_first_marker_is_told_someone_else_must_moderate(client, world, scheme):
    attempt = fa.mark(fa.submit(world.enrolment), world.user("educator"), passed=False)
    login(client, world, "educator")
    response = client.post(reverse("assessments:moderate", args=[attempt.pk]), {"decision": "agreed"})
    assert response.status_code == 200
    assert "another educator must moderate it" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING_MODERATION


def test_a_moderator_agrees_through_the_page(client, world, scheme):
    attempt = fa.mark(fa.submit(world.enrolment), world.user("educator"), passed=False)
    login(client, world, "lead")
    page = client.get(reverse("assessments:moderate", args=[attempt.pk]))
    assert "Risk was not assessed." in page.content.decode()
    response = client.post(reverse("assessments:moderate", args=[attempt.pk]), {"decision": "agreed"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.outcome, attempt.second_marker) == (
        "agreed",
        "failed",
        world.user("lead"),
    )


def test_the_marking_queue_lists_first_marking_and_moderation_oldest_first(client, world, scheme):
    older = fa.submit(world.enrolment, competence_code="sleep-hygiene")
    Attempt.objects.filter(pk=older.pk).update(submitted_on=timezone.localdate() - timedelta(days=30))
    newer = fa.submit(world.enrolment, competence_code="exposure-therapy")
    mine = fa.mark(fa.submit(world.other_enrolment), world.user("educator"), passed=False)
    theirs = fa.mark(fa.submit(world.other_enrolment, "m1-written"), world.user("lead"), passed=False)
    response = login(client, world, "educator").get(reverse("assessments:queue"))
    rows = [item.attempt.pk for item in response.context["table"].data]
    assert rows == [older.pk, newer.pk, theirs.pk]
    assert mine.pk not in rows  # nobody moderates their own marking
    lead_rows = [
        i.attempt.pk
        for i in login(client, world, "lead").get(reverse("assessments:queue")).context["table"].data
    ]
    assert mine.pk in lead_rows and theirs.pk not in lead_rows
    home = login(client, world, "educator").get(reverse("home"))
    assert "3 attempts waiting" in home.content.decode()


def test_the_trainee_sees_awaiting_marking_until_the_release_date(client, world, scheme):
    later = timezone.localdate() + timedelta(days=7)
    attempt = fa.mark(fa.submit(world.enrolment), world.user("educator"), release_on=later)
    login(client, world, "trainee")
    for url in (
        reverse("assessments:trainee", args=[world.enrolment.pk]),
        reverse("assessments:attempt", args=[attempt.pk]),
    ):
        content = client.get(url).content.decode()
        assert "Awaiting marking" in content
        assert "Clear rationale" not in content and ">Signed off<" not in content
    staff = (
        login(client, world, "educator")
        .get(reverse("assessments:attempt", args=[attempt.pk]))
        .content.decode()
    )
    assert "Clear rationale" in staff
    # The attempt is locked now: move the clock rather than the record.
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        content = (
            login(client, world, "trainee")
            .get(reverse("assessments:attempt", args=[attempt.pk]))
            .content.decode()
        )
    assert "Clear rationale" in content and "Signed off by" in content


def test_the_trainee_page_shows_the_competence_summary(client, world, scheme):
    fa.signed(world.enrolment, first=world.user("educator"))
    content = (
        login(client, world, "supervisor").get(reverse("trainees:detail", args=[world.enrolment.pk])).content
    )
    assert b"1 of 9 competences signed off." in content


def test_a_trainee_submits_an_attempt_with_a_recording(client, world, scheme):
    component = fa.component(world.programme, "m2-clinical")
    competence = fa.competence(world.programme, "panic-management")
    login(client, world, "trainee")
    page = client.get(reverse("assessments:submit", args=[world.enrolment.pk]))
    assert f'value="{component.pk}:{competence.pk}"'.encode() in page.content
    response = client.post(
        reverse("assessments:submit", args=[world.enrolment.pk]),
        {
            "target": f"{component.pk}:{competence.pk}",
            "method": "recorded_real_session",
            "submitted_on": timezone.localdate().isoformat(),
            "note": "Session 3 of 6.",
            "files": [fa.pdf_upload("reflection.pdf"), fa.pdf_upload("consent.pdf")],
        },
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert (attempt.competence, attempt.submitted_by, attempt.evidence.count()) == (
        competence,
        world.user("trainee"),
        2,
    )
    # What is waiting is no longer offered, and the service's rules show as form errors.
    again = client.get(reverse("assessments:submit", args=[world.enrolment.pk]))
    assert f'value="{component.pk}:{competence.pk}"'.encode() not in again.content


def test_only_the_programme_lead_reopens_through_the_page(client, world, scheme):
    sign_off = SignOff.objects.get(attempt=fa.signed(world.enrolment, first=world.user("educator")))
    url = reverse("assessments:reopen", args=[sign_off.pk])
    assert login(client, world, "educator").post(url, {"reason": "Wrong recording"}).status_code == 403
    assert login(client, world, "lead").post(url, {"reason": ""}).status_code == 200
    assert not SignOffReopening.objects.exists()
    assert login(client, world, "lead").post(url, {"reason": "Wrong recording"}).status_code == 302
    assert SignOffReopening.objects.get().reopened_by == world.user("lead")
    assert AuditEvent.objects.filter(action="competence.reopened", actor=world.user("lead")).exists()


def test_an_administrator_reads_the_audit_trail_of_a_record(client, world, scheme):
    attempt = fa.signed(world.enrolment, first=world.user("educator"))
    sign_off = SignOff.objects.get(attempt=attempt)
    login(client, world, "lead")
    client.post(
        reverse("assessments:reopen", args=[sign_off.pk]), {"reason": "Recording was of another trainee"}
    )
    response = login(client, world, "admin").get(reverse("assessments:audit", args=[attempt.pk]))
    lines = response.context["lines"]
    assert [line.what for line in lines] == [
        "Submitted attempt 1 of 2",
        "Marked the attempt",
        f"Signed off {attempt.subject}",
        f"Reopened the sign-off of {attempt.subject}",
    ]
    assert [line.who for line in lines][2:] == [
        world.user("educator").display_name,
        world.user("lead").display_name,
    ]
    html = response.content.decode()
    assert "Recording was of another trainee" in html
    assert "Status: from awaiting marking to marks agreed" in html
    assert "Signed as educator" in html
    assert "Rated 3 for item 1, " in html
    # In words: no stored field names, codes or dictionaries.
    main = html.split('id="maincontent"', 1)[1]
    for raw in [
        "{'",
        "first_outcome",
        "release_on",
        "attempt.marked",
        "m2-clinical",
        "programme_lead",
        "None",
    ]:
        assert raw not in main, raw
    assert (
        login(client, world, "lead").get(reverse("assessments:audit", args=[attempt.pk])).status_code == 403
    )


def test_an_administrator_records_mitigating_circumstances_through_the_page(client, world, scheme):
    fa.failed(world.enrolment, first=world.user("educator"), second=world.user("lead"))
    fa.failed(world.enrolment, first=world.user("educator"), second=world.user("lead"))
    login(client, world, "admin")
    trainee_page = client.get(reverse("assessments:trainee", args=[world.enrolment.pk])).content.decode()
    assert "Record accepted mitigating circumstances" in trainee_page
    page = client.get(reverse("assessments:mitigation", args=[world.enrolment.pk]))
    (scope,) = [value for value, label in page.context["form"].fields["scope"].choices if value]
    response = client.post(
        reverse("assessments:mitigation", args=[world.enrolment.pk]),
        {"scope": scope, "reason": "Hospital admission", "accepted_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    third = fa.submit(world.enrolment)
    assert third.number == 3
    trail = login(client, world, "admin").get(reverse("assessments:audit", args=[third.pk])).context["lines"]
    assert [line.what for line in trail] == ["Accepted mitigating circumstances", "Submitted attempt 3 of 3"]
    assert trail[0].changes[0] == "Attempts allowed: from 2 to 3"
    assert trail[0].note == "Hospital admission"


def test_the_django_admin_shows_assessment_records_read_only(client, world, scheme):
    attempt = fa.signed(world.enrolment, first=world.user("educator"))
    admin = world.user("admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    for model in [
        "attempt",
        "signoff",
        "signoffreopening",
        "evidencefile",
        "assessmentscheme",
        "markingscheme",
    ]:
        assert client.get(reverse(f"admin:assessments_{model}_changelist")).status_code == 200, model
    sign_off = SignOff.objects.get(attempt=attempt)
    page = client.get(reverse("admin:assessments_signoff_change", args=[sign_off.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert (
        client.post(
            reverse("admin:assessments_signoff_delete", args=[sign_off.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SignOff.objects.filter(pk=sign_off.pk).exists()


def test_programme_settings_saved_in_the_admin_go_through_the_audited_service(client, world, scheme):
    from assessments.models import AssessmentScheme, ProgrammeAssessmentSettings

    admin = world.user("admin")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    row = ProgrammeAssessmentSettings.objects.get(programme=world.programme)
    level_6 = AssessmentScheme.objects.get(code="pwp-2022-level-6")
    response = client.post(
        reverse("admin:assessments_programmeassessmentsettings_change", args=[row.pk]),
        {"scheme": level_6.pk, "attempts_allowed": 3, "moderation_sample_percent": 10},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.scheme, row.attempts_allowed, row.moderation_sample_percent) == (level_6, 3, 10)
    event = AuditEvent.objects.filter(action="assessment_settings.changed", actor=admin).get()
    assert event.before["attempts_allowed"] == 2 and event.after["attempts_allowed"] == 3
