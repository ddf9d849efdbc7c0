"""The training-days rules: the 12-month window, interruptions, holidays, the CPD route and the status."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.dates import add_months
from tests import factories as f
from tests.trainees.factories_attendance import (
    TeachingDayFactory,
    WorkplaceDayFactory,
    catch_up,
    mark,
    module,
)
from trainees.attendance.engine import RouteModuleDays, TraineeDays, assess_training_days, window_end
from trainees.attendance.selectors import training_days_progress, training_days_progress_for
from trainees.attendance.services import generate_schedule
from trainees.models import Interruption

START = date(2026, 1, 5)  # a Monday
ROUTE = (
    RouteModuleDays(1, 1, "Engagement and assessment", 7, 5),
    RouteModuleDays(2, 2, "Low-intensity treatment", 8, 5),
    RouteModuleDays(3, 3, "Values, diversity and context", 10, 10),
)
PLAN = (1,) * 7 + (2,) * 8 + (3,) * 10  # module of each of the 25 weekly teaching days


def tuesdays(plan=PLAN, start=START):
    """(id, date, module id) for a teaching day every Tuesday, one per entry of `plan`."""
    return tuple((i + 1, start + timedelta(days=1 + 7 * i), m) for i, m in enumerate(plan))


def workplace(n, *, status="confirmed", start=START, reviewed_after=0):
    """n workplace days on Thursdays, modules in route order (5 + 5 + 10), logged and reviewed on the day."""
    plan = (1,) * 5 + (2,) * 5 + (3,) * 10
    days = []
    for i in range(n):
        day = start + timedelta(days=3 + 7 * i)
        reviewed = day + timedelta(days=reviewed_after) if status != "submitted" else None
        days.append((day, plan[i], status, day, reviewed))
    return tuple(days)


def trainee(*, teaching=None, attended=None, marks=None, **extra):
    teaching = tuesdays() if teaching is None else teaching
    if marks is None:
        marks = {day_id: "present" for day_id, _, _ in teaching[: attended if attended is not None else 0]}
    return TraineeDays(
        start_date=START, window_months=12, route_modules=ROUTE, teaching_days=teaching, marks=marks, **extra
    )


# --- The window -----------------------------------------------------------------------------------------


def test_the_window_is_the_start_plus_the_routes_months():
    assert window_end(START, 12, []) == date(2027, 1, 5)
    assert window_end(date(2026, 1, 31), 1, []) == date(2026, 2, 28)


def test_an_interruption_inside_the_window_moves_its_end_later_by_its_days():
    four_weeks = (date(2026, 3, 2), date(2026, 3, 29))
    assert window_end(START, 12, [four_weeks]) == date(2027, 1, 5) + timedelta(days=28)


def test_an_interruption_running_past_the_end_counts_in_full_as_the_window_grows():
    over_the_end = (date(2026, 12, 20), date(2027, 1, 31))  # 43 days, 17 of them inside the nominal window
    assert window_end(START, 12, [over_the_end]) == date(2027, 1, 5) + timedelta(days=43)


def test_an_interruption_after_the_window_does_not_move_it():
    assert window_end(START, 12, [(date(2027, 2, 1), date(2027, 3, 1))]) == date(2027, 1, 5)


@given(
    st.lists(
        st.tuples(st.integers(min_value=-30, max_value=500), st.integers(min_value=0, max_value=120)),
        max_size=4,
    )
)
def test_interruptions_never_shorten_the_window_nor_add_more_than_their_days(spans):
    interruptions = [(START + timedelta(days=a), START + timedelta(days=a + n)) for a, n in spans]
    nominal = add_months(START, 12)
    end = window_end(START, 12, interruptions)
    assert nominal <= end <= nominal + timedelta(days=sum(n + 1 for _, n in spans))
    # The end is a fixed point: it is the nominal end moved by exactly the interruption days up to it.
    overlapping = sum(max((min(b, end) - max(a, START)).days + 1, 0) for a, b in interruptions)
    assert end == nominal + timedelta(days=overlapping)


# --- Status ---------------------------------------------------------------------------------------------


def test_every_day_done_inside_the_window_is_complete_within_the_window():
    progress = assess_training_days(trainee(attended=25, workplace=workplace(20)), on=date(2026, 12, 1))
    assert progress.complete and progress.completed_within_window
    assert progress.status == "complete"
    assert (progress.university_completed, progress.workplace_completed) == (25, 20)
    assert "within the window" in progress.reason


def test_days_finished_after_the_window_are_complete_but_not_within_it():
    late_start = START - timedelta(days=250)  # the window closed before the last workplace days
    days = TraineeDays(
        start_date=late_start,
        window_months=12,
        route_modules=ROUTE,
        teaching_days=tuesdays(),
        marks=dict.fromkeys(range(1, 26), "present"),
        workplace=workplace(20),
    )
    progress = assess_training_days(days, on=date(2026, 12, 1))
    assert progress.complete and not progress.completed_within_window
    assert progress.status == "complete"
    assert "after the window ended" in progress.reason


def test_a_trainee_whose_remaining_days_fit_is_on_track():
    on = START + timedelta(weeks=10, days=5)  # 11 Tuesdays have passed
    progress = assess_training_days(trainee(attended=11, workplace=workplace(5)), on=on)
    assert progress.status == "on_track"
    assert progress.can_still_fit and not progress.complete
    assert (progress.university_completed, progress.university_outstanding) == (11, 14)
    assert [m.university_completed for m in progress.modules] == [7, 4, 0]
    assert "11 of 25 university days" in progress.reason


def test_late_and_left_early_count_as_attended_and_absences_do_not():
    teaching = tuesdays()
    marks = {1: "late", 2: "left_early", 3: "authorised_absence", 4: "unauthorised_absence", 5: "present"}
    progress = assess_training_days(trainee(marks=marks, teaching=teaching), on=date(2026, 2, 6))
    assert progress.university_completed == 3
    assert progress.status == "at_risk"
    assert progress.reason.startswith("2 missed university days (module 1) are not yet made up")


def test_an_approved_catch_up_makes_up_a_missed_day():
    marks = {1: "present", 2: "unauthorised_absence", 3: "present"}
    on = date(2026, 1, 30)
    missed = assess_training_days(trainee(marks=marks), on=on)
    assert (missed.status, missed.university_completed) == ("at_risk", 2)
    made_up = assess_training_days(
        trainee(marks=marks, catch_ups={2: (date(2026, 1, 16), date(2026, 1, 19))}), on=on
    )
    assert (made_up.status, made_up.university_completed) == ("on_track", 3)
    assert made_up.modules[0].university_completed == 3


def test_a_catch_up_approved_after_the_chosen_date_does_not_count_yet():
    marks = {1: "present", 2: "unauthorised_absence"}
    days = trainee(marks=marks, catch_ups={2: (date(2026, 1, 16), date(2026, 2, 20))})
    assert assess_training_days(days, on=date(2026, 1, 30)).university_completed == 1
    assert assess_training_days(days, on=date(2026, 2, 20)).university_completed == 2


def test_only_confirmed_workplace_days_count():
    waiting = workplace(4, status="submitted")
    rejected_and_confirmed = workplace(2)
    progress = assess_training_days(trainee(attended=6, workplace=waiting), on=date(2026, 2, 14))
    assert progress.workplace_completed == 0
    progress = assess_training_days(
        trainee(attended=6, workplace=rejected_and_confirmed), on=date(2026, 2, 14)
    )
    assert progress.workplace_completed == 2


def test_a_day_confirmed_after_the_chosen_date_does_not_count_on_that_date():
    days = trainee(attended=3, workplace=workplace(1, reviewed_after=10))
    assert assess_training_days(days, on=date(2026, 1, 10)).workplace_completed == 0
    assert assess_training_days(days, on=date(2026, 1, 20)).workplace_completed == 1


def test_workplace_days_well_behind_the_pace_put_a_trainee_at_risk():
    on = START + timedelta(weeks=26)  # half-way: about 10 of 20 expected
    progress = assess_training_days(trainee(attended=25, workplace=workplace(4)), on=on)
    assert progress.status == "at_risk"
    assert "workplace days are behind: 4 confirmed, about" in progress.reason.lower()
    on_pace = assess_training_days(trainee(attended=25, workplace=workplace(8)), on=on)
    assert on_pace.status == "on_track"


def test_too_few_scheduled_days_before_the_window_ends_is_off_track():
    short = tuesdays(PLAN[:-3])  # only 7 of module 3's 10 days scheduled
    progress = assess_training_days(trainee(teaching=short, attended=22), on=date(2026, 7, 1))
    assert progress.status == "off_track" and not progress.can_still_fit
    assert progress.reason.startswith(
        "Module 3 needs 3 more university days but only 0 can still be attended or made up"
    )


def test_a_cohort_without_a_schedule_says_so_instead_of_off_track():
    """A new cohort with no teaching days yet is not "off track ... only 0 left": it has no schedule."""
    progress = assess_training_days(trainee(teaching=()), on=START + timedelta(days=20))
    assert progress.status == "no_schedule"
    assert progress.status_label == "No schedule yet"
    assert progress.reason.startswith("No schedule yet") and "schedule page" in progress.reason
    assert "only 0" not in progress.reason
    # Workplace days alone, however many, do not make a schedule.
    assert (
        assess_training_days(trainee(teaching=(), workplace=workplace(3)), on=START).status == "no_schedule"
    )


def test_a_closed_window_with_days_outstanding_is_off_track():
    progress = assess_training_days(trainee(attended=25, workplace=workplace(15)), on=date(2027, 2, 1))
    assert progress.status == "off_track"
    assert (
        progress.reason
        == "The window ended on 5 January 2027 with 0 university and 5 workplace days still to do."
    )


def test_extra_days_in_a_module_do_not_count_twice():
    plan = (1,) * 9 + (2,) * 8 + (3,) * 10
    progress = assess_training_days(trainee(teaching=tuesdays(plan), attended=9), on=date(2026, 3, 30))
    assert progress.modules[0].university_completed == 7
    assert progress.university_completed == 7


def test_registers_not_yet_taken_are_still_possible_days():
    progress = assess_training_days(trainee(attended=3), on=date(2026, 2, 14))  # 6 Tuesdays have passed
    assert progress.status == "on_track"
    assert progress.reason.endswith("3 registers still to be taken.")


def test_future_interruption_days_are_not_working_days_left_in_the_window():
    on = date(2026, 12, 14)  # a Monday, every teaching day done; the window ends on 5 January 2027
    plain = assess_training_days(trainee(attended=25, workplace=workplace(3)), on=on)
    assert plain.reason == (
        "17 workplace days are outstanding but only 16 working days are left "
        "(the window ends on 5 January 2027)."
    )
    # A week's interruption ahead moves the end five days later, but its own five weekdays are not available.
    ahead = ((date(2026, 12, 21), date(2026, 12, 25)),)
    progress = assess_training_days(trainee(attended=25, workplace=workplace(3), interruptions=ahead), on=on)
    assert progress.reason == (
        "17 workplace days are outstanding but only 14 working days are left "
        "(the window ends on 10 January 2027)."
    )


def test_only_the_part_of_an_interruption_after_today_and_before_the_window_ends_is_taken_off():
    on = date(2026, 12, 14)
    # Begun last week: only its weekdays after today (15 to 18 December) are taken off.
    begun = ((date(2026, 12, 10), date(2026, 12, 18)),)
    progress = assess_training_days(trainee(attended=25, interruptions=begun), on=on)
    assert progress.reason == (
        "20 workplace days are outstanding but only 19 working days are left "
        "(the window ends on 14 January 2027)."
    )
    # Running past the moved end: the days after the end are not taken off a second time.
    past_the_end = ((date(2027, 1, 4), date(2027, 1, 20)),)
    progress = assess_training_days(trainee(attended=25, interruptions=past_the_end), on=on)
    assert progress.reason == (
        "20 workplace days are outstanding but only 16 working days are left "
        "(the window ends on 22 January 2027)."
    )


WINDOW_END = date(2027, 1, 5)  # a Tuesday: the 12 months from START


def test_the_window_is_closed_on_its_last_day():
    progress = assess_training_days(trainee(attended=25, workplace=workplace(15)), on=WINDOW_END)
    assert progress.reason == (
        "The window ended on 5 January 2027 with 0 university and 5 workplace days still to do."
    )
    # One workplace day short after the window is still off track: no working day is left.
    progress = assess_training_days(trainee(attended=25, workplace=workplace(19)), on=date(2027, 2, 1))
    assert progress.status == "off_track"


def test_a_day_attended_logged_confirmed_or_caught_up_on_the_chosen_date_counts_that_day():
    assert (
        assess_training_days(
            trainee(attended=3, workplace=workplace(1)), on=date(2026, 1, 8)
        ).workplace_completed
        == 1
    )
    assert assess_training_days(trainee(attended=2), on=date(2026, 1, 13)).university_completed == 2
    made_up = trainee(
        marks={1: "present", 2: "unauthorised_absence"}, catch_ups={2: (date(2026, 1, 20), date(2026, 1, 20))}
    )
    assert assess_training_days(made_up, on=date(2026, 1, 20)).university_completed == 2


def test_only_days_waiting_for_the_supervisor_on_the_date_are_waiting():
    on = START + timedelta(weeks=26)
    days = (
        (on + timedelta(days=1), 1, "submitted", on, None),  # after the date: not yet
        (date(2026, 6, 1), 1, "submitted", date(2026, 6, 1), None),  # waiting
        (date(2026, 6, 2), 1, "submitted", date(2026, 6, 2), None),  # waiting
        (date(2026, 6, 3), 1, "rejected", date(2026, 6, 3), on),  # turned down on the date
        (date(2026, 6, 4), 1, "rejected", date(2026, 6, 4), date(2026, 6, 5)),  # turned down before
        (date(2026, 6, 8), 1, "submitted", on + timedelta(days=1), None),  # logged after the date
    )
    progress = assess_training_days(trainee(attended=25, workplace=days + workplace(4)), on=on)
    assert progress.reason == (
        "Workplace days are behind: 4 confirmed and 2 waiting, about 10 expected by now "
        "(the window ends on 5 January 2027)."
    )


def test_completion_is_dated_by_the_catch_up_done_not_its_approval():
    marks = dict.fromkeys(range(1, 25), "present") | {25: "unauthorised_absence"}
    days = trainee(
        marks=marks, workplace=workplace(20), catch_ups={25: (date(2026, 11, 10), date(2026, 11, 20))}
    )
    assert assess_training_days(days, on=date(2026, 12, 1)).reason == (
        "All 25 university and 20 workplace days are done by 10 November 2026, within the window "
        "(it ends on 5 January 2027)."
    )
    # After the window, a missed day can no longer be made up: off track, not at risk.
    assert assess_training_days(
        trainee(marks=marks, workplace=workplace(20)), on=date(2027, 2, 1)
    ).status == ("off_track")


def test_missed_days_in_two_modules_add_up():
    marks = dict.fromkeys(range(1, 12), "present") | {2: "unauthorised_absence", 9: "authorised_absence"}
    marks[10] = "unauthorised_absence"
    progress = assess_training_days(trainee(marks=marks, workplace=workplace(5)), on=date(2026, 3, 20))
    assert progress.reason == (
        "3 missed university days (module 1 and module 2) are not yet made up by an approved catch-up "
        "(the window ends on 5 January 2027)."
    )


def test_the_on_track_reason_and_modules_in_full():
    progress = assess_training_days(trainee(attended=3), on=date(2026, 2, 14))
    assert progress.reason == (
        "3 of 25 university days and 0 of 20 workplace days done; the rest fit in the window, which ends on "
        "5 January 2027. 3 registers still to be taken."
    )
    assert [m.module_title for m in progress.modules] == [
        "Engagement and assessment",
        "Low-intensity treatment",
        "Values, diversity and context",
    ]


def test_a_teaching_day_on_the_windows_last_day_is_inside_it():
    last_on_end = tuesdays()[:-1] + ((25, WINDOW_END, 3),)
    done = assess_training_days(
        trainee(teaching=last_on_end, attended=25, workplace=workplace(20)), on=WINDOW_END
    )
    assert done.reason == (
        "All 25 university and 20 workplace days are done by 5 January 2027, within the window "
        "(it ended on 5 January 2027)."
    )
    # Still to come, and later still not yet registered, it is a day that can count.
    days = trainee(teaching=last_on_end, attended=24, workplace=workplace(20))
    assert assess_training_days(days, on=date(2026, 12, 1)).status == "on_track"
    assert assess_training_days(days, on=date(2027, 1, 6)).status == "on_track"


def test_a_saturday_teaching_day_takes_no_working_day_and_a_module_may_need_no_workplace_days():
    saturday = tuesdays() + ((26, date(2026, 12, 19), 3),)
    progress = assess_training_days(
        trainee(teaching=saturday, attended=25, workplace=workplace(3)), on=date(2026, 12, 14)
    )
    assert progress.reason == (
        "17 workplace days are outstanding but only 16 working days are left "
        "(the window ends on 5 January 2027)."
    )
    no_workplace = (*ROUTE[:2], RouteModuleDays(3, 3, "Values, diversity and context", 10, 0))
    days = TraineeDays(
        start_date=START,
        window_months=12,
        route_modules=no_workplace,
        teaching_days=tuesdays(),
        marks=dict.fromkeys(range(1, 26), "present"),
        workplace=workplace(10),
    )
    assert assess_training_days(days, on=date(2026, 12, 1)).reason == (
        "All 25 university and 10 workplace days are done by 23 June 2026, within the window "
        "(it ends on 5 January 2027)."
    )


def test_more_than_one_module_short_is_listed_module_by_module():
    short = tuesdays(PLAN[:5] + PLAN[7:13] + PLAN[15:])
    progress = assess_training_days(trainee(teaching=short, attended=len(short)), on=date(2026, 7, 1))
    assert progress.reason == (
        "University days cannot all fit before the window ends (module 1 needs 2 more, only 0 left; "
        "module 2 needs 2 more, only 0 left) (the window ends on 5 January 2027)."
    )


def test_waiting_days_count_toward_the_pace_and_the_last_working_day_is_left():
    on = START + timedelta(weeks=26)
    waiting = tuple((date(2026, 6, d), 1, "submitted", date(2026, 6, d), None) for d in (1, 2))
    assert (
        assess_training_days(trainee(attended=25, workplace=waiting + workplace(6)), on=on).status
        == "on_track"
    )
    # The day before the window's last day (a Tuesday): that Tuesday is still a working day.
    on = date(2027, 1, 4)
    assert assess_training_days(trainee(attended=25, workplace=workplace(19)), on=on).status == "on_track"
    assert assess_training_days(trainee(attended=25, workplace=workplace(18)), on=on).reason == (
        "2 workplace days are outstanding but only 1 working day is left (the window ends on 5 January 2027)."
    )


def test_working_days_left_from_a_wednesday_over_a_part_week():
    # From Wednesday 16 December to Monday 11 January: 19 weekdays, less the interruption's five.
    ahead = ((date(2026, 12, 21), date(2026, 12, 26)),)
    progress = assess_training_days(
        trainee(attended=25, workplace=workplace(3), interruptions=ahead), on=date(2026, 12, 15)
    )
    assert progress.reason == (
        "17 workplace days are outstanding but only 14 working days are left "
        "(the window ends on 11 January 2027)."
    )


# --- With the database: interruptions, holidays and the CPD route ---------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(curriculum):
    return f.CohortFactory(start_date=START)


def test_an_interruption_recorded_for_a_trainee_moves_their_window(cohort):
    enrolment = f.EnrolmentFactory(cohort=cohort)
    Interruption.objects.create(
        enrolment=enrolment,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30),
        reason=Interruption.Reason.MATERNITY,
        recorded_by=f.UserFactory(),
    )
    progress = training_days_progress(enrolment, on=date(2026, 5, 1))
    assert progress.window_end == date(2027, 1, 5) + timedelta(days=30)
    other = f.EnrolmentFactory(cohort=cohort)
    assert training_days_progress(other, on=date(2026, 5, 1)).window_end == date(2027, 1, 5)


def test_a_holiday_moves_a_teaching_day_and_can_push_the_last_days_past_the_window(cohort):
    educator = f.ProgrammeMembershipFactory(programme=cohort.programme).user
    enrolment = f.EnrolmentFactory(cohort=cohort)
    generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=START,
        weekdays=[1],
        days_per_module={module(1): 7, module(2): 8},
    )
    # Module 3 late in the year: ten Tuesdays from 3 November 2026 run to 5 January 2027 (the window's end)...
    days = generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=date(2026, 11, 3),
        weekdays=[1],
        days_per_module={module(3): 10},
    )
    assert days[-1].date == date(2027, 1, 5)
    assert training_days_progress(enrolment, on=date(2026, 1, 1)).status == "on_track"
    # ... and a Christmas holiday on 29 December moves the last day a week later, outside the window.
    cohort.teaching_days.filter(module=module(3)).delete()
    days = generate_schedule(
        actor=educator,
        cohort=cohort,
        start_date=date(2026, 11, 3),
        weekdays=[1],
        days_per_module={module(3): 10},
        holidays=[date(2026, 12, 29)],
    )
    assert date(2026, 12, 29) not in [d.date for d in days]
    assert days[-1].date == date(2027, 1, 12)
    progress = training_days_progress(enrolment, on=date(2026, 1, 1))
    assert not progress.can_still_fit and progress.status == "off_track"
    assert "module 3 needs 10 more university days but only 9 can" in progress.reason.lower()


def test_the_cpd_route_needs_only_modules_1_and_2(cohort):
    cpd = f.EnrolmentFactory(cohort=cohort, route=f.route("cpd"))
    standard = f.EnrolmentFactory(cohort=cohort)
    day = START + timedelta(days=1)
    for number, count in ((1, 7), (2, 8), (3, 10)):
        for _ in range(count):
            teaching_day = TeachingDayFactory(cohort=cohort, module=module(number), date=day)
            day += timedelta(days=7)
            if number < 3:  # the CPD trainee only comes on module 1 and 2 days
                mark(teaching_day, cpd)
            mark(teaching_day, standard)
    for i in range(10):
        WorkplaceDayFactory(
            enrolment=cpd,
            date=START + timedelta(days=3 + 7 * i),
            module=module(1 if i < 5 else 2),
            status="confirmed",
            reviewed_at=timezone.now() - timedelta(days=30),
            logged_at=timezone.now() - timedelta(days=300),
        )
    on = date(2026, 12, 1)
    progress = training_days_progress_for([cpd, standard], on=on)
    assert (progress[cpd.pk].university_required, progress[cpd.pk].workplace_required) == (15, 10)
    assert [m.module_number for m in progress[cpd.pk].modules] == [1, 2]
    assert progress[cpd.pk].status == "complete"
    assert progress[standard.pk].university_completed == 25
    assert progress[standard.pk].workplace_completed == 0
    assert progress[standard.pk].status != "complete"


def test_the_bulk_selector_costs_six_queries_whatever_the_number_of_trainees(
    cohort, django_assert_num_queries, settings
):
    settings.REMEMBER_TRAINEE_FACTS = False  # the working out's own queries (remembering: test_facts.py)
    enrolments = f.EnrolmentFactory.create_batch(30, cohort=cohort)
    day = TeachingDayFactory(cohort=cohort, date=START + timedelta(days=1))
    for enrolment in enrolments:
        mark(day, enrolment)
        WorkplaceDayFactory(enrolment=enrolment)
    catch_up(day, enrolments[0])
    with django_assert_num_queries(6):
        many = training_days_progress_for(enrolments, on=date(2026, 3, 1))
    with django_assert_num_queries(6):
        one = training_days_progress_for(enrolments[:1], on=date(2026, 3, 1))
    assert (
        many[enrolments[0].pk]
        == one[enrolments[0].pk]
        == training_days_progress(enrolments[0], on=date(2026, 3, 1))
    )
    assert len(many) == 30


def test_the_engine_reads_register_and_workplace_statuses_as_the_models_store_them():
    from trainees.attendance import engine, models

    assert engine.ATTENDED == models.ATTENDED
    assert engine.ABSENT == models.ABSENT
    assert engine.WORKPLACE_CONFIRMED == models.WorkplaceDay.Status.CONFIRMED
