"""The pure supervision engine on its edge cases: no database, plain data in, figures out."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from trainees.supervision.engine import (
    CREDENTIALED,
    NOT_CREDENTIALED,
    REFRESHER_DUE,
    Absence,
    CaseFact,
    Rules,
    SessionFact,
    TrainingFact,
    counts_on,
    credential_intervals,
    credential_status,
    evaluate,
    site_ratio_flag,
    weeks_in,
)

RULES = Rules()
SUPERVISOR = 7
ALWAYS = {SUPERVISOR: ((date(2000, 1, 1), None),)}


def cm(day, minutes=60, *, group=False, supervisor=SUPERVISOR, pk=None):
    return SessionFact(
        id=pk or hash((day, minutes, "cm")) % 10**6,
        date=day,
        kind="case_management",
        minutes=minutes,
        supervisor_id=supervisor,
        group=group,
    )


def cs(day, minutes=60, *, group=False, intervention=None, supervisor=SUPERVISOR, pk=None):
    return SessionFact(
        id=pk or hash((day, minutes, "cs", intervention)) % 10**6,
        date=day,
        kind="clinical_skills",
        minutes=minutes,
        supervisor_id=supervisor,
        group=group,
        live_assessment_intervention=intervention,
    )


def weekly(first_monday, weeks, *, weekday=2):
    return [cm(first_monday + timedelta(days=7 * n + weekday), pk=1000 + n) for n in range(weeks)]


# --- weeks ----------------------------------------------------------------------------------------------


def test_only_whole_weeks_inside_the_period_are_counted():
    # Wednesday 7 January to Wednesday 28 January 2026: whole weeks begin 12 and 19 January only.
    assert weeks_in(date(2026, 1, 7), date(2026, 1, 28)) == [date(2026, 1, 12), date(2026, 1, 19)]
    assert weeks_in(date(2026, 1, 5), date(2026, 1, 11)) == [date(2026, 1, 5)]
    assert weeks_in(date(2026, 1, 5), date(2026, 1, 10)) == []


def test_a_week_crossing_the_year_end_is_one_week_and_a_session_on_new_years_day_counts_for_it():
    # 2026 has an ISO week 53 (Monday 28 December 2026 to Sunday 3 January 2027).
    start, end = date(2026, 12, 21), date(2027, 1, 10)
    sessions = [
        cm(date(2026, 12, 23)),
        cm(date(2027, 1, 1)),
        cm(date(2027, 1, 4)),
        cs(date(2026, 12, 30), 90),
    ]
    result = evaluate(start=start, end=end, sessions=sessions, credentials=ALWAYS)
    assert [w.monday for w in result.weeks] == [date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4)]
    assert result.missed_weeks == ()
    assert result.status == "compliant"


def test_a_missed_week_across_the_year_end_is_listed_by_its_monday():
    start, end = date(2026, 12, 21), date(2027, 1, 10)
    # The only session that week is on Sunday 3 January 2027 and lasts 45 minutes: not enough.
    sessions = [cm(date(2026, 12, 23)), cm(date(2027, 1, 3), 45), cm(date(2027, 1, 5))]
    result = evaluate(start=start, end=end, sessions=sessions, credentials=ALWAYS)
    assert result.missed_weeks == (date(2026, 12, 28),)
    assert result.status == "gaps"
    assert "28 December 2026" in result.reason


def test_short_sessions_in_one_week_add_up_to_the_hour():
    monday = date(2026, 3, 2)
    sessions = [cm(monday, 30, pk=1), cm(monday + timedelta(days=3), 30, pk=2)]
    result = evaluate(start=monday, end=monday + timedelta(days=6), sessions=sessions, credentials=ALWAYS)
    assert result.missed_weeks == ()
    assert result.hours["case_management"] == 1.0


def test_the_current_unfinished_week_is_not_yet_missed():
    monday = date(2026, 3, 2)
    result = evaluate(start=monday, end=monday + timedelta(days=9), sessions=[cm(monday)], credentials=ALWAYS)
    assert result.missed_weeks == ()
    assert len(result.weeks) == 1


# --- group sessions -------------------------------------------------------------------------------------


def test_group_case_management_counts_in_hours_but_not_for_the_weekly_individual_hour():
    monday = date(2026, 3, 2)
    sessions = [cm(monday + timedelta(days=1), 90, group=True)]
    result = evaluate(start=monday, end=monday + timedelta(days=6), sessions=sessions, credentials=ALWAYS)
    assert result.hours["case_management"] == 1.5
    assert result.missed_weeks == (monday,)
    relaxed = replace(RULES, case_management_individual_only=False)
    result = evaluate(
        start=monday, end=monday + timedelta(days=6), sessions=sessions, credentials=ALWAYS, rules=relaxed
    )
    assert result.missed_weeks == ()


def test_group_clinical_skills_sessions_count_toward_the_fortnightly_average():
    monday = date(2026, 3, 2)
    end = monday + timedelta(days=27)  # four whole weeks: two hours of clinical skills needed
    sessions = [
        *weekly(monday, 4),
        cs(monday, 60, group=True),
        cs(monday + timedelta(days=15), 60, group=True),
    ]
    result = evaluate(start=monday, end=end, sessions=sessions, credentials=ALWAYS)
    assert result.clinical_skills_required_hours == 2.0
    assert result.clinical_skills_shortfall_hours == 0
    result = evaluate(start=monday, end=end, sessions=sessions[:-1], credentials=ALWAYS)
    assert result.clinical_skills_shortfall_hours == 1.0
    assert "1 hour short of 1 hour a fortnight" in result.reason  # was "1 hours short"


# --- interruptions and leave ----------------------------------------------------------------------------


def test_weeks_taken_up_by_an_interruption_are_neither_missed_nor_counted():
    monday = date(2026, 3, 2)
    end = monday + timedelta(days=6 * 7 - 1)  # six weeks
    sessions = [cm(monday + timedelta(days=7 * n + 1), pk=n + 1) for n in (0, 1, 4, 5)]
    sessions += [cs(monday, 120, pk=50), cs(monday + timedelta(days=28), 60, pk=51)]
    interruption = Absence(monday + timedelta(days=14), monday + timedelta(days=27), "interruption")
    result = evaluate(start=monday, end=end, sessions=sessions, absences=[interruption], credentials=ALWAYS)
    assert result.missed_weeks == ()
    assert result.excluded_weeks == (monday + timedelta(days=14), monday + timedelta(days=21))
    assert result.counted_weeks == 4
    assert result.clinical_skills_required_hours == 2.0
    assert result.status == "compliant"
    without = evaluate(start=monday, end=end, sessions=sessions, credentials=ALWAYS)
    assert without.missed_weeks == (monday + timedelta(days=14), monday + timedelta(days=21))


def test_a_week_with_two_days_of_leave_still_counts_but_three_days_take_it_out():
    monday = date(2026, 3, 2)
    end = monday + timedelta(days=6)
    two_days = Absence(monday, monday + timedelta(days=1), "annual")
    three_days = Absence(monday, monday + timedelta(days=2), "annual")
    assert evaluate(start=monday, end=end, sessions=[], absences=[two_days]).missed_weeks == (monday,)
    assert evaluate(start=monday, end=end, sessions=[], absences=[three_days]).missed_weeks == ()
    # Leave over a weekend only is no working day at all.
    weekend = Absence(monday + timedelta(days=5), monday + timedelta(days=6), "annual")
    assert evaluate(start=monday, end=end, sessions=[], absences=[weekend]).missed_weeks == (monday,)


def test_leave_that_starts_on_the_friday_or_ends_on_the_monday_counts_toward_the_three_days():
    monday = date(2026, 3, 2)
    end = monday + timedelta(days=6)
    wednesday = Absence(monday + timedelta(days=2), monday + timedelta(days=2), "annual")
    # From the Friday into the next week, and from the weekend before to the Monday: one working day each.
    friday_on = Absence(monday + timedelta(days=4), monday + timedelta(days=9), "annual")
    to_monday = Absence(monday - timedelta(days=3), monday, "annual")
    three = [wednesday, friday_on, to_monday]
    assert evaluate(start=monday, end=end, sessions=[], absences=three).missed_weeks == ()
    assert evaluate(start=monday, end=end, sessions=[], absences=three[:2]).missed_weeks == (monday,)


# --- case reviews ---------------------------------------------------------------------------------------


def test_case_reviews_are_overdue_after_28_days_counting_from_opening_when_never_reviewed():
    end = date(2026, 6, 30)
    cases = [
        CaseFact(1, "SUP-A", opened_on=end - timedelta(days=29)),  # never reviewed, 29 days: overdue
        CaseFact(2, "SUP-B", opened_on=end - timedelta(days=28)),  # never reviewed, 28 days: due today
        CaseFact(3, "SUP-C", opened_on=end - timedelta(days=90)),  # reviewed 10 days ago
        CaseFact(4, "SUP-D", opened_on=end - timedelta(days=90)),  # reviewed 40 days ago
        CaseFact(5, "SUP-E", opened_on=end + timedelta(days=1)),  # opens after the period
    ]
    reviews = [(3, end - timedelta(days=10)), (4, end - timedelta(days=40)), (4, end + timedelta(days=1))]
    result = evaluate(start=end - timedelta(days=100), end=end, sessions=[], cases=cases, reviews=reviews)
    assert [(c.reference, c.days_since_review) for c in result.overdue_cases] == [
        ("SUP-D", 40),
        ("SUP-A", 29),
    ]
    assert result.overdue_cases[1].last_reviewed_on is None
    assert result.active_cases == 4


def test_a_case_discharged_before_its_review_became_due_is_not_overdue():
    end = date(2026, 6, 30)
    opened = end - timedelta(days=60)
    cases = [
        CaseFact(1, "SUP-GONE", opened_on=opened, closed_on=opened + timedelta(days=20)),
        CaseFact(2, "SUP-TODAY", opened_on=opened, closed_on=end),  # closed on the last day: not active
    ]
    result = evaluate(start=opened, end=end, sessions=[], cases=cases)
    assert result.overdue_cases == ()
    assert result.active_cases == 0
    # Looked at before it closed, the same case was overdue.
    earlier = evaluate(start=opened, end=opened + timedelta(days=19), sessions=[], cases=cases)
    assert earlier.overdue_cases == ()
    later_close = [CaseFact(1, "SUP-LATE", opened_on=opened, closed_on=opened + timedelta(days=45))]
    middle = evaluate(start=opened, end=opened + timedelta(days=40), sessions=[], cases=later_close)
    assert [c.reference for c in middle.overdue_cases] == ["SUP-LATE"]


# --- credentials ----------------------------------------------------------------------------------------


def test_a_supervisor_whose_credential_lapses_mid_period_counts_only_before_the_lapse():
    trained = date(2023, 3, 1)  # valid 36 months: until 28 February 2026
    records = [TrainingFact("initial", trained, accredited=True, verified=True)]
    intervals = credential_intervals(records, RULES)
    assert intervals == ((trained, date(2026, 2, 28)),)
    monday = date(2026, 2, 16)
    sessions = [cm(monday + timedelta(days=7 * n), pk=n + 1) for n in range(3)]  # 16 Feb, 23 Feb, 2 Mar
    result = evaluate(
        start=monday, end=monday + timedelta(days=20), sessions=sessions, credentials={SUPERVISOR: intervals}
    )
    assert result.hours["case_management"] == 3.0
    assert result.credentialed_hours["case_management"] == 2.0
    assert result.uncredentialed_session_ids == {3}
    assert result.uncredentialed_hours["case_management"] == 1.0
    assert any("do not count toward accreditation" in note for note in result.notes)
    # Frequencies still count every confirmed session.
    assert result.missed_weeks == ()
    assert credential_status(records, RULES, date(2026, 2, 28)).status == REFRESHER_DUE
    lapsed = credential_status(records, RULES, date(2026, 3, 1))
    assert lapsed.status == NOT_CREDENTIALED
    assert "lapsed on 1 March 2026" in lapsed.reason


def test_a_refresher_extends_the_credential_and_a_late_refresher_starts_a_new_period():
    trained = date(2020, 1, 15)
    refresher = date(2021, 11, 1)
    late = date(2026, 6, 1)
    records = [
        TrainingFact("initial", trained, accredited=True, verified=True),
        TrainingFact("refresher", refresher, accredited=False, verified=True),
        TrainingFact("refresher", late, accredited=True, verified=True),
    ]
    assert credential_intervals(records, RULES) == (
        (trained, date(2024, 10, 31)),
        (late, date(2029, 5, 31)),
    )
    assert credential_status(records, RULES, date(2023, 1, 1)).status == CREDENTIALED
    assert credential_status(records, RULES, date(2024, 1, 1)).status == REFRESHER_DUE
    assert credential_status(records, RULES, date(2025, 1, 1)).status == NOT_CREDENTIALED
    assert credential_status(records, RULES, date(2026, 6, 1)).status == CREDENTIALED


def test_a_refresher_before_any_accredited_training_does_not_make_a_credential():
    records = [
        TrainingFact("refresher", date(2022, 1, 1), accredited=True, verified=True),
        TrainingFact("initial", date(2022, 6, 1), accredited=False, verified=True),
    ]
    assert credential_intervals(records, RULES) == ()
    status = credential_status(records, RULES, date(2023, 1, 1))
    assert status.status == NOT_CREDENTIALED
    assert "not from an IAPT-accredited training provider" in status.reason


def test_an_unverified_credential_is_shown_but_does_not_count():
    records = [TrainingFact("initial", date(2025, 1, 1), accredited=True, verified=False)]
    status = credential_status(records, RULES, date(2025, 6, 1))
    assert status.status == CREDENTIALED
    assert status.unverified and not status.counts
    assert "not been verified" in status.reason
    assert credential_intervals(records, RULES) == ()


def test_rules_without_expiry_or_refresher_never_lapse():
    rules = replace(RULES, credential_valid_months=None, refresher_every_months=None)
    records = [TrainingFact("initial", date(2012, 1, 1), accredited=True, verified=True)]
    assert credential_intervals(records, rules) == ((date(2012, 1, 1), None),)
    assert credential_status(records, rules, date(2030, 1, 1)).status == CREDENTIALED


def test_no_training_and_training_in_the_future_are_not_credentials():
    assert (
        credential_status([], RULES, date(2026, 1, 1)).reason
        == "No low-intensity supervisor training is recorded."
    )
    future = [TrainingFact("initial", date(2026, 5, 1), accredited=True, verified=True)]
    assert "not completed until 1 May 2026" in credential_status(future, RULES, date(2026, 1, 1)).reason


# --- live assessments, ratios, rule changes -------------------------------------------------------------


def test_live_assessments_are_counted_with_their_distinct_interventions():
    start, end = date(2026, 1, 5), date(2026, 12, 31)
    sessions = [
        cs(date(2026, 2, 2), intervention="behavioural-activation", pk=1),
        cs(date(2026, 5, 4), intervention="behavioural-activation", pk=2),
        cs(date(2026, 9, 7), intervention="panic-management", pk=3),
        cs(date(2025, 12, 1), intervention="sleep-hygiene", pk=4),  # before the period
    ]
    result = evaluate(start=start, end=end, sessions=sessions, credentials=ALWAYS)
    assert result.live_assessments == 3
    assert result.live_assessment_interventions == ("behavioural-activation", "panic-management")


def test_frequencies_come_from_the_rules():
    monday = date(2026, 3, 2)
    sessions = [cm(monday, 45)]
    end = monday + timedelta(days=6)
    assert evaluate(start=monday, end=end, sessions=sessions).missed_weeks == (monday,)
    lenient = replace(RULES, case_management_minutes_per_week=45)
    assert evaluate(start=monday, end=end, sessions=sessions, rules=lenient).missed_weeks == ()


def test_a_site_below_one_qualified_to_two_trainees_is_flagged():
    assert not site_ratio_flag(2, 4)
    assert site_ratio_flag(2, 5)
    assert site_ratio_flag(0, 1)
    assert not site_ratio_flag(0, 0)


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=120), max_size=40),
    minutes=st.lists(st.sampled_from([15, 30, 45, 60, 90]), min_size=40, max_size=40),
    lapse=st.integers(min_value=0, max_value=120),
)
def test_figures_stay_consistent_whatever_the_sessions(offsets, minutes, lapse):
    start = date(2026, 12, 1)
    end = start + timedelta(days=120)
    sessions = [
        (cm if n % 2 else cs)(start + timedelta(days=offset), minutes[n], pk=n + 1)
        for n, offset in enumerate(offsets)
    ]
    credentials = {SUPERVISOR: ((start - timedelta(days=1), start + timedelta(days=lapse)),)}
    result = evaluate(start=start, end=end, sessions=sessions, credentials=credentials)
    assert set(result.missed_weeks) <= {w.monday for w in result.weeks}
    assert all(m.weekday() == 0 for m in result.missed_weeks)
    assert result.clinical_skills_shortfall_hours >= 0
    for kind in result.hours:
        assert 0 <= result.credentialed_hours[kind] <= result.hours[kind]
    assert round(sum(result.hours.values()) * 60) == sum(m for m in minutes[: len(offsets)])
    assert (result.status == "compliant") == (not result.gaps)


def test_an_unverified_refresher_does_not_extend_a_verified_credential():
    initial = TrainingFact("initial", date(2022, 1, 10), accredited=True, verified=True)
    refresher = TrainingFact("refresher", date(2024, 3, 1), accredited=True, verified=False)
    on = date(2024, 6, 1)
    status = credential_status([initial, refresher], RULES, on)
    assert status.valid_until == date(2025, 1, 9)  # 36 months from the verified training, not the refresher
    assert status.status == REFRESHER_DUE and status.refresher_due_on == date(2024, 1, 10)
    assert status.counts and not status.unverified
    assert "Training on 1 March 2024 is not verified yet" in status.reason
    verified = credential_status([initial, replace(refresher, verified=True)], RULES, on)
    assert verified.status == CREDENTIALED and verified.valid_until == date(2027, 2, 28)
    assert credential_intervals([initial, refresher], RULES) == ((date(2022, 1, 10), date(2025, 1, 9)),)


def test_a_refresher_is_due_on_the_day_exactly_not_before():
    records = [TrainingFact("initial", date(2024, 5, 15), accredited=True, verified=True)]
    assert credential_status(records, RULES, date(2026, 5, 14)).status == CREDENTIALED
    due = credential_status(records, RULES, date(2026, 5, 15))
    assert due.status == REFRESHER_DUE and due.refresher_due_on == date(2026, 5, 15)


def test_initial_training_that_is_not_accredited_is_no_credential_even_when_verified():
    # "initial and not accredited": a verified refresher after it does not make a credential either.
    records = [
        TrainingFact("initial", date(2024, 1, 1), accredited=False, verified=True),
        TrainingFact("refresher", date(2025, 1, 1), accredited=True, verified=True),
    ]
    status = credential_status(records, RULES, date(2025, 6, 1))
    assert status.status == NOT_CREDENTIALED and not status.counts
    assert status.reason == (
        "The supervisor training recorded was not from an IAPT-accredited training provider, so supervision "
        "with this person does not count toward individual accreditation."
    )
    # An accredited initial counts, whatever else is recorded.
    accredited = [replace(records[0], accredited=True), records[1]]
    assert credential_status(accredited, RULES, date(2025, 6, 1)).counts


# --- credentials: the boundaries and words the surviving mutants pointed to --------------------------------


def initial(day, *, accredited=True, verified=True):
    return TrainingFact("initial", day, accredited=accredited, verified=verified)


def refresher(day, *, accredited=True, verified=True):
    return TrainingFact("refresher", day, accredited=accredited, verified=verified)


def test_a_refresher_alone_from_a_provider_that_is_not_accredited_is_no_training_at_all():
    status = credential_status([refresher(date(2024, 1, 1), accredited=False)], RULES, date(2024, 6, 1))
    assert status.reason == "No low-intensity supervisor training is recorded."


def test_later_initial_training_that_is_not_accredited_neither_renews_nor_extends_a_credential():
    records = [initial(date(2020, 1, 1)), initial(date(2021, 6, 1), accredited=False)]
    status = credential_status(records, RULES, date(2022, 6, 1))
    assert status.status == REFRESHER_DUE and status.refresher_due_on == date(2022, 1, 1)
    assert (
        status.reason
        == "A refresher was due on 1 January 2022; the credential lapses after 31 December 2022."
    )
    assert credential_intervals(records, RULES) == ((date(2020, 1, 1), date(2022, 12, 31)),)


def test_a_current_credential_is_worded_with_its_latest_training_and_end():
    status = credential_status([initial(date(2024, 3, 1))], RULES, date(2024, 6, 1))
    assert status.reason == (
        "Low-intensity supervisor training from an IAPT-accredited provider, latest on 1 March 2024; "
        "valid until 28 February 2027."
    )
    assert (status.on, status.counts, status.unverified) == (date(2024, 6, 1), True, False)
    assert (status.valid_until, status.refresher_due_on) == (date(2027, 2, 28), date(2026, 3, 1))
    endless = replace(RULES, credential_valid_months=None, refresher_every_months=None)
    assert credential_status([initial(date(2024, 3, 1))], endless, date(2024, 6, 1)).reason.endswith(
        "latest on 1 March 2024."
    )
    due_no_end = replace(RULES, credential_valid_months=None)
    assert credential_status([initial(date(2020, 3, 1))], due_no_end, date(2024, 6, 1)).reason == (
        "A refresher was due on 1 March 2022."
    )


def test_an_unverified_refresher_on_the_day_is_named_and_does_not_extend_the_credential():
    records = [initial(date(2024, 3, 1)), refresher(date(2024, 6, 1), verified=False)]
    status = credential_status(records, RULES, date(2024, 6, 1))
    assert status.status == CREDENTIALED and status.counts
    assert status.reason.endswith(
        "valid until 28 February 2027. Training on 1 June 2024 is not verified yet, so it does not extend "
        "the credential until an educator or administrator verifies it."
    )
    assert "not verified" not in credential_status(records[:1], RULES, date(2024, 6, 1)).reason


def test_an_unverified_credential_keeps_its_dates_and_says_why_it_does_not_count():
    status = credential_status([initial(date(2025, 1, 1), verified=False)], RULES, date(2025, 6, 1))
    assert status.reason.endswith(
        "valid until 31 December 2027. It has not been verified by an educator or administrator yet, so "
        "supervision does not count toward accreditation until it is."
    )
    assert (status.on, status.counts, status.unverified) == (date(2025, 6, 1), False, True)
    assert (status.valid_until, status.refresher_due_on) == (date(2027, 12, 31), date(2027, 1, 1))


def test_credential_periods_skip_earlier_refreshers_and_merge_only_touching_periods():
    first = date(2020, 1, 1)  # valid to 31 December 2022
    assert credential_intervals([refresher(date(2019, 1, 1)), initial(first)], RULES) == (
        (first, date(2022, 12, 31)),
    )
    touching = [initial(first), refresher(date(2023, 1, 1))]
    assert credential_intervals(touching, RULES) == ((first, date(2025, 12, 31)),)
    gap = [initial(first), refresher(date(2023, 1, 2))]
    assert credential_intervals(gap, RULES) == (
        (first, date(2022, 12, 31)),
        (date(2023, 1, 2), date(2026, 1, 1)),
    )


# --- every figure and word of one result (mutants changed each unseen) ------------------------------------


def test_one_result_in_full_weeks_words_hours_and_overdue_cases():
    start, end = date(2026, 1, 5), date(2026, 3, 8)  # nine whole weeks
    sessions = [
        cm(end, pk=1),  # on the last day (a Sunday): it counts, for the week of 2 March
        cm(date(2026, 1, 21), 20, pk=2),
        cs(date(2026, 1, 6), 50, supervisor=99, pk=3),  # a supervisor with no credential
    ]
    absences = [
        Absence(date(2026, 1, 12), date(2026, 1, 14)),  # three working days: the week is not counted
        Absence(date(2026, 1, 22), date(2026, 1, 24)),  # Thursday to Saturday: two working days only
    ]
    cases = [CaseFact(i, f"NV-00{i}", date(2025, 12, 1)) for i in range(1, 9)]
    reviews = [(8, end), (1, date(2026, 1, 8))]  # case 8 reviewed on the last day is not overdue
    result = evaluate(
        start=start,
        end=end,
        sessions=sessions,
        cases=cases,
        reviews=reviews,
        absences=absences,
        credentials=ALWAYS,
    )
    assert (result.start, result.end, result.rules) == (start, end, RULES)
    assert [(w.case_management_minutes, w.absent_days, w.excluded, w.met) for w in result.weeks] == [
        (0, 0, False, False),
        (0, 3, True, True),
        (20, 2, False, False),
        (0, 0, False, False),
        (0, 0, False, False),
        (0, 0, False, False),
        (0, 0, False, False),
        (0, 0, False, False),
        (60, 0, False, True),
    ]
    assert result.hours == {"case_management": 1.33, "clinical_skills": 0.83, "management": 0.0}
    assert result.credentialed_hours == {"case_management": 1.33, "clinical_skills": 0.0, "management": 0.0}
    assert (result.clinical_skills_required_hours, result.clinical_skills_shortfall_hours) == (4.0, 3.17)
    overdue = [(c.reference, c.days_since_review, c.last_reviewed_on) for c in result.overdue_cases]
    assert overdue == [(f"NV-00{i}", 97, None) for i in range(2, 8)] + [("NV-001", 59, date(2026, 1, 8))]
    assert result.gaps == (
        "Case-management supervision of at least 1 hour was missed in 7 weeks "
        "(weeks beginning 5 January 2026, 19 January 2026, 26 January 2026, 2 February 2026, "
        "9 February 2026, 16 February 2026 and others).",
        "Clinical-skills supervision is 3 hours 10 minutes short of 1 hour a fortnight on average "
        "(50 minutes of 4 hours).",
        "7 cases are overdue for review (every 28 days): NV-002 (97 days), NV-003 (97 days), "
        "NV-004 (97 days), NV-005 (97 days), NV-006 (97 days), NV-007 (97 days) and others.",
    )
    assert result.notes == (
        "50 minutes of supervision were with a supervisor who was not credentialed (or whose credential was "
        "not verified) at the time; they do not count toward accreditation.",
        "1 week of leave or interruption is not counted.",
    )


def test_one_overdue_case_and_one_missed_week_are_worded_in_the_singular_with_no_notes():
    monday = date(2026, 1, 5)
    result = evaluate(
        start=monday,
        end=monday + timedelta(days=6),
        sessions=[cs(monday, 30, pk=1)],
        cases=[CaseFact(1, "NV-001", date(2025, 12, 1))],
        credentials=ALWAYS,
    )
    assert result.gaps[0] == (
        "Case-management supervision of at least 1 hour was missed in 1 week "
        "(weeks beginning 5 January 2026)."
    )
    assert result.gaps[-1] == "1 case is overdue for review (every 28 days): NV-001 (41 days)."
    assert result.notes == ()
    # Less than a minute short is no gap; the required hours keep two decimals.
    fifty = replace(RULES, clinical_skills_minutes_per_fortnight=50)
    result = evaluate(
        start=monday, end=monday + timedelta(days=6 + 14), sessions=[cs(monday, 62, pk=1)], rules=fifty
    )
    assert result.clinical_skills_required_hours == 1.25
    seven = evaluate(start=monday, end=monday + timedelta(days=48), sessions=[], rules=fifty)
    assert seven.clinical_skills_required_hours == 2.92


def test_supervision_counts_on_the_first_and_last_day_of_a_credential():
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    intervals = ((first, last),)
    assert counts_on(intervals, first) and counts_on(intervals, last)
    assert not counts_on(intervals, first - timedelta(days=1)) and not counts_on(
        intervals, last + timedelta(days=1)
    )
    assert counts_on(((first, None),), date(2099, 1, 1))


def test_six_missed_weeks_and_six_overdue_cases_are_all_listed_and_a_minute_short_is_a_gap():
    monday = date(2026, 1, 5)
    result = evaluate(
        start=monday,
        end=monday + timedelta(days=41),
        sessions=[cs(monday, 179, pk=1)],
        cases=[CaseFact(i, f"NV-00{i}", date(2025, 12, 1)) for i in range(1, 7)],
        credentials=ALWAYS,
    )
    assert "and others" not in result.gaps[0] and "and others" not in result.gaps[-1]
    assert len(result.missed_weeks) == 6 and len(result.overdue_cases) == 6
    assert result.gaps[1].startswith("Clinical-skills supervision is 1 minute short")
