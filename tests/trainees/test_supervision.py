"""Supervision services and the database's own protection of confirmed, signed and verified records."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from curriculum.models import Intervention
from tests import factories as f
from tests.trainees.factories_supervision import (
    CaseFactory,
    ReportFactory,
    SessionFactory,
    TrainingFactory,
    VerifiedTrainingFactory,
)
from trainees.models import (
    CaseReview,
    Enrolment,
    SupervisionRules,
    SupervisionSession,
    SupervisorReport,
    SupervisorTraining,
)
from trainees.supervision import services as services
from trainees.supervision.reference import load_supervision_rules
from trainees.supervision.selectors import (
    SupervisionSummary,
    SupervisorReportInfo,
    _load,
    rules_for_programmes,
    supervision_summaries_for,
    supervision_summary,
    supervision_summary_for,
    supervisor_reports,
    supervisor_reports_for,
)

pytestmark = pytest.mark.django_db

Kind = SupervisionSession.Kind


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def log(world, **overrides):
    kwargs = {
        "actor": world.user("trainee"),
        "enrolment": world.enrolment,
        "kind": Kind.CASE_MANAGEMENT,
        "on": yesterday(),
        "minutes": 60,
        "supervisor": world.user("supervisor"),
    }
    kwargs.update(overrides)
    return services.log_session(**kwargs)


# --- logging and confirming -----------------------------------------------------------------------------


def test_the_trainee_logs_and_the_named_supervisor_confirms(world):
    case = CaseFactory(enrolment=world.enrolment)
    session = log(world, cases=[case])
    assert session.status == SupervisionSession.Status.AWAITING
    assert (
        supervision_summary(world.enrolment, start=yesterday(), end=yesterday()).hours["case_management"] == 0
    )
    services.confirm_session(actor=world.user("supervisor"), session=session)
    session.refresh_from_db()
    assert session.is_confirmed and session.confirmed_at is not None
    assert CaseReview.objects.get(session=session).locked
    assert (
        supervision_summary(world.enrolment, start=yesterday(), end=yesterday()).hours["case_management"] == 1
    )
    actions = list(AuditEvent.objects.filter(object_id=str(session.pk)).values_list("action", flat=True))
    assert set(actions) == {"supervision.logged", "supervision.confirmed"}


def test_a_trainee_can_never_confirm_their_own_entry(world, client):
    session = log(world)
    with pytest.raises(DomainError):
        services.confirm_session(actor=world.user("trainee"), session=session)
    client.force_login(world.user("trainee"))
    response = client.post(
        reverse("trainees:supervision_session_confirm", args=[session.pk]),
        {"status": "confirmed", "supervisor": world.user("trainee").pk, "confirmed_at": "2026-01-01"},
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == SupervisionSession.Status.AWAITING
    assert session.supervisor == world.user("supervisor")


def test_status_fields_in_a_trainees_post_are_ignored(world, client):
    client.force_login(world.user("trainee"))
    response = client.post(
        reverse("trainees:supervision_log", args=[world.enrolment.pk]),
        {
            "kind": Kind.CASE_MANAGEMENT,
            "date": yesterday().isoformat(),
            "minutes": 60,
            "format": "individual",
            "supervisor": world.user("supervisor").pk,
            "status": "confirmed",
            "confirmed_at": "2026-01-01T10:00",
            "logged_by": world.user("supervisor").pk,
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get(enrolment=world.enrolment)
    assert session.status == SupervisionSession.Status.AWAITING
    assert session.confirmed_at is None
    assert session.logged_by == world.user("trainee")


def test_another_supervisor_cannot_confirm(world):
    session = log(world)
    with pytest.raises(DomainError, match="named on the session"):
        services.confirm_session(actor=world.user("other_supervisor"), session=session)
    with pytest.raises(DomainError):
        services.confirm_session(actor=world.user("educator"), session=session)


def test_a_second_confirmation_is_a_conflict_not_a_crash(world, client):
    session = log(world)
    services.confirm_session(actor=world.user("supervisor"), session=session)
    with pytest.raises(ConflictError):
        services.confirm_session(actor=world.user("supervisor"), session=session)
    client.force_login(world.user("supervisor"))
    response = client.post(reverse("trainees:supervision_session_confirm", args=[session.pk]), follow=True)
    assert response.status_code == 200
    assert "already been confirmed" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"on": "tomorrow"}, "before it has happened"),
        ({"on": date(2000, 1, 1)}, "before the start of training"),
        ({"minutes": 3}, "between 5 minutes"),
        ({"format": "group", "group_size": None}, "number of people"),
        ({"topics": "Discussed 943 476 5919 today"}, "NHS number"),
        ({"kind": Kind.CLINICAL_SKILLS, "live_assessment_outcome": "competent"}, "intervention assessed"),
    ],
)
def test_logging_refuses_what_the_rules_forbid(world, overrides, message):
    # "Tomorrow" is worked out when the test runs, not when it is collected (a run can cross midnight).
    if overrides.get("on") == "tomorrow":
        overrides = {**overrides, "on": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(DomainError, match=message):
        log(world, **overrides)
    assert not SupervisionSession.objects.exists()


def test_the_supervisor_must_be_assigned_and_cases_must_be_the_trainees_own(world):
    with pytest.raises(DomainError, match="not assigned"):
        log(world, supervisor=world.user("other_supervisor"))
    someone_elses = CaseFactory(enrolment=world.other_enrolment)
    with pytest.raises(DomainError, match="not on this trainee's caseload"):
        log(world, cases=[someone_elses])
    own = CaseFactory(enrolment=world.enrolment)
    with pytest.raises(DomainError, match="case-management sessions only"):
        log(world, kind=Kind.CLINICAL_SKILLS, cases=[own])
    intervention = Intervention.objects.get(code="panic-management")
    with pytest.raises(DomainError, match="clinical-skills sessions only"):
        log(world, live_assessment_intervention=intervention, live_assessment_outcome="competent")
    with pytest.raises(DomainError, match="Only the trainee"):
        log(world, actor=world.user("supervisor"))


def test_the_trainee_corrects_or_withdraws_an_entry_only_before_confirmation(world):
    session = log(world)
    services.update_session(
        actor=world.user("trainee"),
        session=session,
        kind=Kind.CLINICAL_SKILLS,
        on=yesterday(),
        minutes=90,
        supervisor=world.user("supervisor"),
        topics="Exposure hierarchy",
    )
    session.refresh_from_db()
    assert (session.kind, session.minutes) == (Kind.CLINICAL_SKILLS, 90)
    services.confirm_session(actor=world.user("supervisor"), session=session)
    with pytest.raises(ConflictError):
        services.withdraw_session(actor=world.user("trainee"), session=session)
    other = log(world)
    services.withdraw_session(actor=world.user("trainee"), session=other)
    assert not SupervisionSession.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(action="supervision.withdrawn", object_id=str(other.pk)).exists()


# --- immutability in the database -----------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_confirmed_session_and_its_case_reviews(world):
    case = CaseFactory(enrolment=world.enrolment)
    session = log(world, cases=[case])
    services.confirm_session(actor=world.user("supervisor"), session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionSession.objects.filter(pk=session.pk).update(minutes=600)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionSession.objects.filter(pk=session.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseReview.objects.filter(session=session).update(locked=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseReview.objects.filter(session=session).delete()
    session.refresh_from_db()
    assert session.minutes == 60
    # An entry still waiting for confirmation is an ordinary row.
    pending = log(world)
    SupervisionSession.objects.filter(pk=pending.pk).update(minutes=45)
    SupervisionSession.objects.filter(pk=pending.pk).delete()


def test_the_database_refuses_to_change_a_signed_report_or_a_verified_training_record(world):
    report = ReportFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    services.sign_report(actor=world.user("supervisor"), report=report)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorReport.objects.filter(pk=report.pk).update(progress="not_meeting")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorReport.objects.filter(pk=report.pk).delete()
    training = VerifiedTrainingFactory(supervisor=world.user("supervisor"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorTraining.objects.filter(pk=training.pk).update(provider_iapt_accredited=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorTraining.objects.filter(pk=training.pk).delete()
    draft = ReportFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"))
    SupervisorReport.objects.filter(pk=draft.pk).update(progress="concerns")


# --- reopening ------------------------------------------------------------------------------------------


def test_staff_reopen_with_a_reason_creating_a_new_version_and_the_old_one_stops_counting(world):
    case = CaseFactory(enrolment=world.enrolment)
    session = log(world, cases=[case])
    services.confirm_session(actor=world.user("supervisor"), session=session)
    with pytest.raises(DomainError):
        services.reopen_session(actor=world.user("supervisor"), session=session, reason="Wrong date")
    with pytest.raises(DomainError, match="reason"):
        services.reopen_session(actor=world.user("lead"), session=session, reason="  ")
    new = services.reopen_session(actor=world.user("lead"), session=session, reason="Logged twice by mistake")
    assert new.pk != session.pk and new.replaces_id == session.pk
    assert new.status == SupervisionSession.Status.AWAITING
    assert list(new.cases_reviewed.all()) == [case]
    session.refresh_from_db()
    assert session.is_confirmed  # the locked row is untouched
    summary = supervision_summary(world.enrolment, start=yesterday(), end=yesterday())
    assert summary.hours["case_management"] == 0
    event = AuditEvent.objects.get(action="supervision.reopened")
    assert event.message == "Logged twice by mistake" and event.actor == world.user("lead")
    with pytest.raises(ConflictError):
        services.reopen_session(actor=world.user("admin"), session=session, reason="Again")
    services.confirm_session(actor=world.user("supervisor"), session=new)
    summary = supervision_summary(world.enrolment, start=yesterday(), end=yesterday())
    assert summary.hours["case_management"] == 1


# --- reports --------------------------------------------------------------------------------------------


def test_a_supervisor_writes_and_signs_a_report_which_then_reads_as_signed(world):
    fields = {
        "period_start": world.enrolment.start_date,
        "period_end": yesterday(),
        "engagement": "Good",
        "clinical_skills": "Good",
        "case_management": "Good",
        "values": "Good",
        "strengths": "Warmth",
        "development": "Pace",
        "progress": SupervisorReport.Progress.MEETING,
    }
    with pytest.raises(DomainError):
        services.start_report(actor=world.user("trainee"), enrolment=world.enrolment, kind="final", **fields)
    with pytest.raises(DomainError):
        services.start_report(
            actor=world.user("other_supervisor"), enrolment=world.enrolment, kind="final", **fields
        )
    report = services.start_report(
        actor=world.user("supervisor"), enrolment=world.enrolment, kind="final", **fields
    )
    assert supervisor_reports(world.enrolment) == [
        SupervisorReportInfo(id=report.pk, kind="final", signed=False, signed_at=None, signed_by=None)
    ]
    with pytest.raises(DomainError):
        services.sign_report(actor=world.user("trainee"), report=report)
    services.sign_report(actor=world.user("supervisor"), report=report)
    info = supervisor_reports_for([world.enrolment, world.other_enrolment])
    assert info[world.other_enrolment.pk] == []
    (signed,) = info[world.enrolment.pk]
    assert signed.signed and signed.signed_by == world.user("supervisor").display_name
    assert signed.signed_at is not None
    with pytest.raises(ConflictError):
        services.update_report(actor=world.user("supervisor"), report=report, **fields)


def test_a_report_naming_a_patient_is_refused(world):
    with pytest.raises(DomainError, match="NHS number"):
        services.start_report(
            actor=world.user("supervisor"),
            enrolment=world.enrolment,
            kind="interim",
            period_start=world.enrolment.start_date,
            period_end=yesterday(),
            engagement="Saw patient 943 476 5919",
            clinical_skills="",
            case_management="",
            values="",
            strengths="",
            development="",
            progress="meeting",
        )


# --- the contract ---------------------------------------------------------------------------------------


def test_the_summary_matches_the_contract(world):
    enrolment = world.enrolment
    monday = enrolment.start_date + timedelta(days=(7 - enrolment.start_date.weekday()) % 7)
    VerifiedTrainingFactory(supervisor=world.user("supervisor"), completed_on=monday - timedelta(days=30))
    uncredentialed = f.UserFactory()
    f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=uncredentialed, kind="clinical_skills")
    intervention = Intervention.objects.get(code="behavioural-activation")
    for week in range(4):
        SessionFactory(
            enrolment=enrolment,
            supervisor=world.user("supervisor"),
            date=monday + timedelta(days=7 * week),
            confirmed=True,
        )
    SessionFactory(
        enrolment=enrolment,
        supervisor=uncredentialed,
        kind=Kind.CLINICAL_SKILLS,
        minutes=90,
        date=monday + timedelta(days=2),
        live_assessment_intervention=intervention,
        live_assessment_outcome="competent",
        confirmed=True,
    )
    SessionFactory(enrolment=enrolment, supervisor=world.user("supervisor"), date=monday + timedelta(days=35))
    CaseFactory(enrolment=enrolment, reference="SUP-OVERDUE", opened_on=monday)
    end = monday + timedelta(days=41)  # six whole weeks
    summary = supervision_summary(enrolment, start=monday, end=end)
    assert isinstance(summary, SupervisionSummary)
    assert (summary.start, summary.end) == (monday, end)
    assert summary.hours == {"case_management": 4.0, "clinical_skills": 1.5, "management": 0.0}
    assert summary.credentialed_hours == {"case_management": 4.0, "clinical_skills": 0.0, "management": 0.0}
    assert summary.missed_weeks == (monday + timedelta(days=28), monday + timedelta(days=35))
    assert summary.clinical_skills_shortfall_hours == 1.5
    assert summary.overdue_case_reviews == (("SUP-OVERDUE", 41),)
    assert summary.live_assessments == 1
    assert summary.live_assessment_interventions == ("behavioural-activation",)
    assert summary.status == "gaps" and "missed in 2 weeks" in summary.reason
    bulk = supervision_summary_for([enrolment, world.other_enrolment], end=end)
    assert bulk[enrolment.pk].start == enrolment.start_date
    assert bulk[world.other_enrolment.pk].hours["case_management"] == 0


@pytest.mark.parametrize("size", [10, 200])
def test_the_bulk_summary_costs_the_same_queries_for_10_and_200_trainees(
    world, size, django_assert_num_queries, settings
):
    settings.REMEMBER_TRAINEE_FACTS = False  # the working out's own queries (remembering: test_facts.py)
    supervisor = world.user("supervisor")
    TrainingFactory(supervisor=supervisor)
    enrolments = f.EnrolmentFactory.create_batch(size, cohort=world.cohort)
    for enrolment in enrolments:
        f.SupervisorAssignmentFactory(enrolment=enrolment, supervisor=supervisor)
        SessionFactory(enrolment=enrolment, supervisor=supervisor, confirmed=True)
        CaseFactory(enrolment=enrolment)
    with django_assert_num_queries(5):
        result = supervision_summary_for(enrolments, end=timezone.localdate())
    assert len(result) == size
    with django_assert_num_queries(1):
        reports = supervisor_reports_for(enrolments)
    assert len(reports) == size


def test_only_reviews_in_confirmed_current_sessions_count_and_after_completion_only_for_the_renewal_year(
    world,
):
    # The bulk read takes, for each case still open on a period's last day, its latest counted review.
    today = timezone.localdate()
    supervisor = world.user("supervisor")
    enrolment = f.EnrolmentFactory(cohort=world.cohort, start_date=today - timedelta(days=200))

    def case(reference, opened_days_ago, on=enrolment, closed_days_ago=None):
        closed_on = today - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
        return CaseFactory(
            enrolment=on,
            reference=reference,
            opened_on=today - timedelta(days=opened_days_ago),
            closed_on=closed_on,
            status="open" if closed_on is None else "closed",
        )

    def review(the_case, days_ago, **session):
        row = SessionFactory(
            enrolment=the_case.enrolment,
            supervisor=supervisor,
            date=today - timedelta(days=days_ago),
            **session,
        )
        CaseReview.objects.create(session=row, case=the_case)
        return row

    review(case("REVIEWED", 60), 10, confirmed=True)
    reopened = case("REOPENED", 60)
    first = review(reopened, 10, confirmed=True)
    review(reopened, 10, replaces=first, reopen_reason="Wrong case")  # the new version awaits confirmation
    review(case("AWAITING", 60), 10)
    case("CLOSED", 60, closed_days_ago=30)
    summary = supervision_summary_for([enrolment, world.other_enrolment], end=today)[enrolment.pk]
    assert summary.overdue_case_reviews == (("AWAITING", 60), ("REOPENED", 60))

    # Completed 30 days ago: a review since counts for the renewal year, not for the training, and a case
    # closed since completion is still overdue as of the training's last day.
    qualified = f.EnrolmentFactory(
        cohort=world.cohort,
        start_date=today - timedelta(days=400),
        status="completed",
        completed_on=today - timedelta(days=30),
    )
    review(case("AFTER", 100, on=qualified), 5, confirmed=True)
    case("CLOSED-LATER", 100, on=qualified, closed_days_ago=20)
    training, renewal_year = supervision_summaries_for(
        [enrolment, qualified], end=today, year_start=today - timedelta(days=364)
    )[qualified.pk]
    assert training.overdue_case_reviews == (("AFTER", 70), ("CLOSED-LATER", 70))
    assert renewal_year.overdue_case_reviews == ()


# --- rules as data --------------------------------------------------------------------------------------


def test_rules_load_idempotently_and_a_programme_can_have_its_own(world, tmp_path):
    assert load_supervision_rules() == {"rule sets": 1, "waiting for their programme": 0}
    assert load_supervision_rules() == {"rule sets": 1, "waiting for their programme": 0}
    assert SupervisionRules.objects.count() == 1
    own = tmp_path / "rules.json"
    own.write_text(
        '{"rule_sets": [{"code": "prog-a-2026", "name": "Programme A", "programme": "prog-a",'
        ' "effective_from": "2020-01-01", "case_review_interval_days": 21},'
        ' {"code": "missing", "name": "Not yet", "programme": "no-such", "effective_from": "2020-01-01"}]}'
    )
    assert load_supervision_rules(own) == {"rule sets": 1, "waiting for their programme": 1}
    rules = rules_for_programmes([world.programme.pk, world.other_programme.pk], on=timezone.localdate())
    assert rules[world.programme.pk].case_review_interval_days == 21
    assert rules[world.other_programme.pk].case_review_interval_days == 28
    assert rules[None].name.startswith("PWP Best Practice Guide")
    # A case opened 25 days ago is overdue under programme A's 21-day rule only.
    CaseFactory(enrolment=world.enrolment, opened_on=timezone.localdate() - timedelta(days=25))
    CaseFactory(enrolment=world.other_enrolment, opened_on=timezone.localdate() - timedelta(days=25))
    other_programme_enrolment = f.EnrolmentFactory(cohort=world.other_cohort)
    CaseFactory(enrolment=other_programme_enrolment, opened_on=timezone.localdate() - timedelta(days=25))
    summaries = supervision_summary_for(
        [world.enrolment, other_programme_enrolment], end=timezone.localdate()
    )
    assert len(summaries[world.enrolment.pk].overdue_case_reviews) == 1
    assert summaries[other_programme_enrolment.pk].overdue_case_reviews == ()


def test_without_any_rule_rows_the_guides_values_apply(world):
    assert not SupervisionRules.objects.exists()
    rules = rules_for_programmes([world.programme.pk], on=timezone.localdate())
    assert rules[world.programme.pk].case_management_minutes_per_week == 60
    assert rules[world.programme.pk].case_review_interval_days == 28


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_leave_exactly_one(world):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions (PostgreSQL).")
    session = log(world)
    barrier = threading.Barrier(2)
    results = []

    def confirm():
        try:
            barrier.wait()
            services.confirm_session(actor=world.user("supervisor"), session=session)
            results.append("confirmed")
        except ConflictError:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["confirmed", "conflict"]
    assert AuditEvent.objects.filter(action="supervision.confirmed", object_id=str(session.pk)).count() == 1


def test_the_readiness_summaries_load_only_cases_open_on_each_trainees_last_day(world):
    """A programme's export mixes a cohort that finished long ago with one in training: the cases loaded are
    those open on each trainee's own last day (completion, else the day), not every case closed since the
    earliest completion; the figures are the same as each trainee's own."""
    today = timezone.localdate()
    finished = f.EnrolmentFactory(
        cohort=world.cohort,
        start_date=today - timedelta(days=700),
        status="completed",
        completed_on=today - timedelta(days=400),
    )
    current = f.EnrolmentFactory(cohort=world.cohort, start_date=today - timedelta(days=200))
    at_completion = CaseFactory(
        enrolment=finished,
        opened_on=today - timedelta(days=500),
        closed_on=today - timedelta(days=300),
        status="closed",
    )
    still_open = CaseFactory(enrolment=finished, opened_on=today - timedelta(days=500))
    closed_early = CaseFactory(
        enrolment=current,
        opened_on=today - timedelta(days=150),
        closed_on=today - timedelta(days=100),
        status="closed",
    )
    open_now = CaseFactory(enrolment=current, opened_on=today - timedelta(days=150))
    enrolments = list(Enrolment.objects.with_people().filter(pk__in=[finished.pk, current.pk]))

    loaded = _load(enrolments, end=today, cases_from=today - timedelta(days=400), to_completion=True)
    assert {c.id for c in loaded.cases[finished.pk]} == {at_completion.pk, still_open.pk}
    assert {c.id for c in loaded.cases[current.pk]} == {open_now.pk}
    assert closed_early.pk not in {c.id for cases in loaded.cases.values() for c in cases}

    year_start = today - timedelta(days=364)
    both = supervision_summaries_for(enrolments, end=today, year_start=year_start)
    for enrolment in enrolments:
        training, year = both[enrolment.pk]
        assert training == supervision_summary_for([enrolment], end=today)[enrolment.pk]
        assert (
            year
            == supervision_summary_for([enrolment], start=year_start, end=today, after_completion=True)[
                enrolment.pk
            ]
        )
    assert [ref for ref, _ in both[finished.pk][0].overdue_case_reviews] == sorted(
        [at_completion.reference, still_open.reference]
    )
    assert [ref for ref, _ in both[finished.pk][1].overdue_case_reviews] == [still_open.reference]
    assert [ref for ref, _ in both[current.pk][0].overdue_case_reviews] == [open_now.reference]
