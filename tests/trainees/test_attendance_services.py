"""Schedules, registers and their corrections, catch-ups, workplace days and interruptions."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import ConflictError, DomainError
from tests import factories as f
from tests.trainees.factories_attendance import (
    TeachingDayFactory,
    WorkplaceDayFactory,
    catch_up,
    mark,
    module,
)
from trainees.attendance.selectors import (
    missed_days,
    register_enrolments,
    register_history,
    schedule_overview,
    training_days_progress,
)
from trainees.attendance.services import (
    MarkInput,
    add_teaching_day,
    cancel_teaching_day,
    decide_catch_up,
    generate_schedule,
    log_workplace_day,
    move_teaching_day,
    record_interruption,
    review_workplace_day,
    save_register,
    submit_catch_up,
)
from trainees.models import AttendanceMark, CatchUp, Interruption, TeachingDay, WorkplaceDay

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)
TODAY = date(2026, 6, 1)


@pytest.fixture
def cohort(curriculum):
    return f.CohortFactory(start_date=START)


@pytest.fixture
def educator(cohort):
    return f.ProgrammeMembershipFactory(programme=cohort.programme).user


@pytest.fixture
def enrolment(cohort):
    return f.EnrolmentFactory(cohort=cohort, start_date=START)


@pytest.fixture
def day(cohort):
    return TeachingDayFactory(cohort=cohort, date=START + timedelta(days=1))


def standard_days():
    return {module(1): 7, module(2): 8, module(3): 10}


# --- Schedule -------------------------------------------------------------------------------------------


def test_a_weekly_pattern_places_each_module_in_turn_and_skips_holidays(cohort, educator):
    days = generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=START,
        weekdays=[1, 3],
        days_per_module=standard_days(),
        holidays=[date(2026, 1, 13), date(2026, 1, 15)],
    )
    assert len(days) == 25
    assert {d.date.weekday() for d in days} == {1, 3}
    assert date(2026, 1, 13) not in [d.date for d in days]
    assert [d.module.number for d in days] == [1] * 7 + [2] * 8 + [3] * 10
    assert (
        days[0].date == date(2026, 1, 6)
        and days[1].date == date(2026, 1, 8)
        and days[2].date == date(2026, 1, 20)
    )
    event = AuditEvent.objects.get(action="schedule.generated")
    assert event.after["holidays_skipped"] == ["2026-01-13", "2026-01-15"]
    assert schedule_overview(cohort).warnings == ()


def test_extending_a_schedule_skips_dates_already_taken(cohort, educator):
    generate_schedule(
        actor=educator, cohort=cohort, start_date=START, weekdays=[1], days_per_module={module(1): 3}
    )
    more = generate_schedule(
        actor=educator, cohort=cohort, start_date=START, weekdays=[1], days_per_module={module(2): 2}
    )
    assert [d.date for d in more] == [date(2026, 1, 27), date(2026, 2, 3)]


def test_a_schedule_needs_a_day_of_the_week_and_cannot_start_before_the_cohort(cohort, educator):
    with pytest.raises(DomainError, match="day of the week"):
        generate_schedule(actor=educator, cohort=cohort, start_date=START, weekdays=[], days_per_module={})
    with pytest.raises(DomainError, match="before the cohort"):
        generate_schedule(
            actor=educator,
            cohort=cohort,
            start_date=START - timedelta(days=1),
            weekdays=[1],
            days_per_module={module(1): 1},
        )
    assert not TeachingDay.objects.exists()


def test_a_schedule_that_does_not_match_the_route_shows_a_warning(cohort, educator, enrolment):
    generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=START,
        weekdays=[1],
        days_per_module={module(1): 7, module(2): 8, module(3): 9},
    )
    (warning,) = schedule_overview(cohort).warnings
    assert (
        "has 24 university days" in warning
        and "needs 25" in warning
        and "module 3: 9 scheduled, 10" in warning
    )


def test_cpd_trainees_are_checked_against_modules_1_and_2_only(cohort, educator):
    f.EnrolmentFactory(cohort=cohort, route=f.route("cpd"))
    f.EnrolmentFactory(cohort=cohort)
    generate_schedule(
        actor=educator, cohort=cohort, start_date=START, weekdays=[1], days_per_module=standard_days()
    )
    assert schedule_overview(cohort).warnings == ()
    TeachingDay.objects.filter(cohort=cohort, module=module(2)).order_by("-date").first().delete()
    warnings = schedule_overview(cohort).warnings
    assert len(warnings) == 2
    cpd_warning = next(w for w in warnings if w.startswith("Qualified-staff CPD route"))
    assert "has 14 university days" in cpd_warning and "needs 15" in cpd_warning


def test_a_cpd_trainee_is_not_on_a_module_3_register(cohort, day):
    cpd = f.EnrolmentFactory(cohort=cohort, route=f.route("cpd"))
    standard = f.EnrolmentFactory(cohort=cohort)
    module_3_day = TeachingDayFactory(cohort=cohort, module=module(3), date=START + timedelta(days=50))
    assert set(register_enrolments(day)) == {cpd, standard}
    assert list(register_enrolments(module_3_day)) == [standard]


def test_moving_a_day_is_audited_and_refused_once_the_register_is_taken(cohort, educator, enrolment, day):
    moved = move_teaching_day(actor=educator, day=day, new_date=date(2026, 1, 7), reason="Room booked")
    assert moved.date == date(2026, 1, 7)
    event = AuditEvent.objects.get(action="teaching_day.moved")
    assert (event.before, event.after, event.message) == (
        {"date": "2026-01-06"},
        {"date": "2026-01-07"},
        "Room booked",
    )
    other = TeachingDayFactory(cohort=cohort, date=date(2026, 1, 14))
    with pytest.raises(DomainError, match="already has a teaching day"):
        move_teaching_day(actor=educator, day=other, new_date=date(2026, 1, 7), reason="Clash")
    mark(moved, enrolment)
    with pytest.raises(DomainError, match="register for this day has been taken"):
        move_teaching_day(actor=educator, day=moved, new_date=date(2026, 1, 8), reason="Late change")
    with pytest.raises(DomainError, match="cannot be cancelled"):
        cancel_teaching_day(actor=educator, day=moved, reason="Strike")


def test_a_cancelled_day_leaves_the_schedule_and_the_progress(cohort, educator, enrolment, day):
    # Another module's day keeps a schedule in place once module 1's only day is cancelled.
    TeachingDayFactory(cohort=cohort, module=module(2), date=START + timedelta(days=40))
    assert "module 1 needs 7 more, only 1 left" in training_days_progress(enrolment, on=TODAY).reason
    with pytest.raises(DomainError, match="Say why"):
        cancel_teaching_day(actor=educator, day=day, reason=" ")
    cancel_teaching_day(actor=educator, day=day, reason="Strike action")
    day.refresh_from_db()
    assert (day.status, day.cancelled_reason) == ("cancelled", "Strike action")
    assert schedule_overview(cohort).cancelled == (day,)
    assert "module 1 needs 7 more, only 0 left" in training_days_progress(enrolment, on=TODAY).reason
    # The date is free again for a replacement day.
    add_teaching_day(actor=educator, cohort=cohort, module=module(1), day=day.date)


# --- Registers ------------------------------------------------------------------------------------------


def test_taking_a_register_saves_one_mark_per_trainee_and_an_audit_event(cohort, educator, enrolment, day):
    other = f.EnrolmentFactory(cohort=cohort)
    saved = save_register(
        actor=educator,
        day=day,
        marks={enrolment.pk: MarkInput("late", 20), other.pk: MarkInput("authorised_absence")},
        today=TODAY,
    )
    assert (saved.added, saved.corrected) == (2, 0)
    assert AttendanceMark.objects.current().count() == 2
    event = AuditEvent.objects.get(action="register.taken")
    assert event.after == {
        enrolment.user.username: "Late (20 minutes missed)",
        other.user.username: "Authorised absence",
    }


def test_a_correction_needs_a_reason_and_keeps_the_earlier_mark(cohort, educator, enrolment, day):
    save_register(actor=educator, day=day, marks={enrolment.pk: MarkInput("present")}, today=TODAY)
    with pytest.raises(DomainError, match="Say why"):
        save_register(
            actor=educator, day=day, marks={enrolment.pk: MarkInput("unauthorised_absence")}, today=TODAY
        )
    lead = f.ProgrammeMembershipFactory(programme=cohort.programme, role="programme_lead").user
    saved = save_register(
        actor=lead,
        day=day,
        marks={enrolment.pk: MarkInput("unauthorised_absence")},
        reason="Signed in but left before teaching",
        today=TODAY,
    )
    assert saved.corrected == 1
    first, second = AttendanceMark.objects.filter(teaching_day=day).order_by("id")
    assert (first.status, first.recorded_by) == ("present", educator)
    assert (second.status, second.replaces, second.recorded_by) == ("unauthorised_absence", first, lead)
    assert list(AttendanceMark.objects.current()) == [second]
    assert register_history(day) == [second]
    event = AuditEvent.objects.get(action="register.corrected")
    assert event.before == {enrolment.user.username: "Present"}
    assert event.after == {enrolment.user.username: "Unauthorised absence"}
    assert event.message == "Signed in but left before teaching" and event.actor == lead


def test_saving_the_same_marks_again_changes_nothing(educator, enrolment, day):
    save_register(actor=educator, day=day, marks={enrolment.pk: MarkInput("late", 15)}, today=TODAY)
    saved = save_register(actor=educator, day=day, marks={enrolment.pk: MarkInput("late", 15)}, today=TODAY)
    assert (saved.added, saved.corrected, saved.unchanged) == (0, 0, 1)
    assert AttendanceMark.objects.count() == 1


def test_a_register_saved_by_someone_else_meanwhile_is_a_conflict(educator, enrolment, day):
    seen = AttendanceMark.objects.filter(teaching_day=day).count()
    save_register(actor=educator, day=day, marks={enrolment.pk: MarkInput("present")}, today=TODAY)
    with pytest.raises(ConflictError, match="Someone else saved"):
        save_register(
            actor=educator,
            day=day,
            marks={enrolment.pk: MarkInput("authorised_absence")},
            reason="Phoned in",
            expected_version=seen,
            today=TODAY,
        )
    assert list(AttendanceMark.objects.current().values_list("status", flat=True)) == ["present"]


@pytest.mark.parametrize(
    ("mark_input", "message"),
    [
        (MarkInput("late", 0), "how many minutes"),
        (MarkInput("left_early", 481), "480 or fewer"),
        (MarkInput("present", 10), "only for late"),
        (MarkInput("asleep"), "Choose present"),
        (MarkInput("present", 0, "Patient NHS number 943 476 5919"), "NHS number"),
    ],
)
def test_a_register_row_that_does_not_make_sense_is_refused(educator, enrolment, day, mark_input, message):
    with pytest.raises(DomainError, match=message):
        save_register(actor=educator, day=day, marks={enrolment.pk: mark_input}, today=TODAY)
    assert not AttendanceMark.objects.exists()


def test_a_register_cannot_be_taken_before_the_day_nor_for_another_cohorts_trainee(cohort, educator, day):
    stranger = f.EnrolmentFactory()
    with pytest.raises(DomainError, match="only mark the cohort's trainees"):
        save_register(actor=educator, day=day, marks={stranger.pk: MarkInput("present")}, today=TODAY)
    enrolment = f.EnrolmentFactory(cohort=cohort)
    with pytest.raises(DomainError, match="before the day"):
        save_register(
            actor=educator, day=day, marks={enrolment.pk: MarkInput("present")}, today=day.date - timedelta(1)
        )


def test_the_database_refuses_to_change_or_delete_a_register_mark(enrolment, day):
    saved = mark(day, enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.filter(pk=saved.pk).update(status="unauthorised_absence")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.filter(pk=saved.pk).delete()
    saved.refresh_from_db()
    assert saved.status == "present"


def test_two_first_marks_for_the_same_trainee_and_day_are_refused_by_the_database(enrolment, day):
    mark(day, enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        mark(day, enrolment, status="late", minutes=5)


# --- Catch-ups ------------------------------------------------------------------------------------------


def test_an_approved_catch_up_counts_against_the_missed_days_module(cohort, educator, enrolment, day):
    generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=START,
        weekdays=[1],
        days_per_module={module(1): 6, module(2): 8, module(3): 10},
    )
    mark(day, enrolment, status="unauthorised_absence")
    assert [d.pk for d in missed_days(enrolment, on=TODAY)] == [day.pk]
    assert "1 missed university day (module 1)" in training_days_progress(enrolment, on=TODAY).reason
    submitted = submit_catch_up(
        actor=enrolment.user,
        enrolment=enrolment,
        teaching_day=day,
        activity="Watched the recorded lecture and did the workbook",
        completed_on=day.date + timedelta(days=3),
        today=TODAY,
    )
    assert list(missed_days(enrolment, on=TODAY)) == []
    assert training_days_progress(enrolment, on=TODAY).university_completed == 0  # not approved yet
    with pytest.raises(DomainError, match="educators"):
        decide_catch_up(actor=enrolment.user, catch_up=submitted, approve=True)
    decide_catch_up(actor=educator, catch_up=submitted, approve=True, comment="Seen the workbook")
    # It counts from the day it was approved (today).
    progress = training_days_progress(enrolment, on=timezone.localdate())
    assert progress.university_completed == 1 and progress.modules[0].university_completed == 1
    assert "missed" not in progress.reason
    with pytest.raises(ConflictError, match="already been decided"):
        decide_catch_up(actor=educator, catch_up=submitted, approve=False, comment="Changed my mind")
    assert AuditEvent.objects.filter(action="catch_up.approved", actor=educator).exists()


def test_a_catch_up_is_only_for_a_day_marked_as_an_absence(educator, enrolment, day):
    mark(day, enrolment, status="present")
    with pytest.raises(DomainError, match="marked as an absence"):
        submit_catch_up(
            actor=enrolment.user,
            enrolment=enrolment,
            teaching_day=day,
            activity="Reading",
            completed_on=TODAY,
        )


def test_turning_down_a_catch_up_needs_a_reason_and_a_decided_one_is_frozen(educator, enrolment, day):
    mark(day, enrolment, status="authorised_absence")
    pending = catch_up(day, enrolment)
    with pytest.raises(DomainError, match="Say why"):
        decide_catch_up(actor=educator, catch_up=pending, approve=False)
    decided = decide_catch_up(actor=educator, catch_up=pending, approve=False, comment="Not enough detail")
    assert decided.status == CatchUp.Status.REJECTED
    with pytest.raises(IntegrityError), transaction.atomic():
        CatchUp.objects.filter(pk=decided.pk).update(status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        CatchUp.objects.filter(pk=decided.pk).delete()


# --- Workplace days -------------------------------------------------------------------------------------


@pytest.fixture
def supervisor(enrolment):
    return f.SupervisorAssignmentFactory(enrolment=enrolment, starts_on=START).supervisor


def test_a_trainee_logs_a_workplace_day_and_only_a_confirmed_one_counts(enrolment, supervisor):
    logged = log_workplace_day(
        actor=enrolment.user,
        enrolment=enrolment,
        day=date(2026, 1, 8),
        module=module(1),
        activity="Shadowed assessments",
        reflection="Saw how to explain step 2.",
        today=TODAY,
    )
    assert training_days_progress(enrolment, on=TODAY).workplace_completed == 0
    with pytest.raises(DomainError, match="current supervisor"):
        review_workplace_day(actor=enrolment.user, workplace_day=logged, confirm=True)
    review_workplace_day(actor=supervisor, workplace_day=logged, confirm=True, comment="Good reflection")
    assert training_days_progress(enrolment, on=timezone.localdate()).workplace_completed == 1
    with pytest.raises(ConflictError):
        review_workplace_day(actor=supervisor, workplace_day=logged, confirm=False, comment="Oops")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkplaceDay.objects.filter(pk=logged.pk).update(status="submitted", reviewed_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkplaceDay.objects.filter(pk=logged.pk).delete()


def test_a_rejected_workplace_day_says_why_and_does_not_count(enrolment, supervisor):
    logged = WorkplaceDayFactory(enrolment=enrolment)
    with pytest.raises(DomainError, match="Say why"):
        review_workplace_day(actor=supervisor, workplace_day=logged, confirm=False)
    review_workplace_day(actor=supervisor, workplace_day=logged, confirm=False, comment="I was on leave then")
    assert training_days_progress(enrolment, on=TODAY).workplace_completed == 0
    # The trainee can log the date again once it has been turned down.
    WorkplaceDayFactory(enrolment=enrolment, date=logged.date)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"module": 3, "route": "cpd"}, "not part of your route"),
        ({"day": date(2025, 12, 1)}, "before the start"),
        ({"day": TODAY + timedelta(days=1)}, "has happened"),
        ({"day": date(2026, 1, 6)}, "university teaching day"),
        ({"day": date(2026, 2, 10)}, "interrupted"),
        ({"reflection": "Met the patient born 12/03/1981"}, "date of birth"),
    ],
)
def test_a_workplace_day_that_cannot_count_is_refused(cohort, educator, day, kwargs, message):
    enrolment = f.EnrolmentFactory(cohort=cohort, route=f.route(kwargs.pop("route", "standard")))
    record_interruption(
        actor=educator,
        enrolment=enrolment,
        starts_on=date(2026, 2, 9),
        ends_on=date(2026, 2, 13),
        reason="sickness",
    )
    values = {
        "day": date(2026, 1, 8),
        "module": 1,
        "activity": "Shadowing",
        "reflection": "Useful.",
        **kwargs,
    }
    values["module"] = module(values["module"])
    with pytest.raises(DomainError, match=message):
        log_workplace_day(actor=enrolment.user, enrolment=enrolment, today=TODAY, **values)
    assert not WorkplaceDay.objects.exists()


def test_only_the_trainee_logs_their_own_workplace_days(enrolment, supervisor):
    with pytest.raises(DomainError, match="Only the trainee"):
        log_workplace_day(
            actor=supervisor,
            enrolment=enrolment,
            day=date(2026, 1, 8),
            module=module(1),
            activity="Shadowing",
            reflection="Useful.",
            today=TODAY,
        )


# --- Interruptions --------------------------------------------------------------------------------------


def test_an_educator_records_an_interruption_and_the_window_moves(educator, enrolment):
    before = training_days_progress(enrolment, on=TODAY).window_end
    record_interruption(
        actor=educator,
        enrolment=enrolment,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 15),
        reason=Interruption.Reason.SICKNESS,
        note="Fit note",
    )
    assert training_days_progress(enrolment, on=TODAY).window_end == before + timedelta(days=14)
    assert AuditEvent.objects.filter(action="interruption.recorded", actor=educator).exists()
    with pytest.raises(DomainError, match="overlaps"):
        record_interruption(
            actor=educator,
            enrolment=enrolment,
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 20),
            reason=Interruption.Reason.SICKNESS,
        )
    with pytest.raises(DomainError, match="Only the programme's educators"):
        record_interruption(
            actor=enrolment.user,
            enrolment=enrolment,
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 4, 2),
            reason=Interruption.Reason.PERSONAL,
        )
    assert Interruption.objects.count() == 1
