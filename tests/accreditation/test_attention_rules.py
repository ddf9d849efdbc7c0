"""The attention list's rules, each on its boundary: one step inside names the trainee, one step outside does
not (the smaller slip stays on the trainee's page). Pure: the rules read the areas' figures, built here."""

from dataclasses import replace
from datetime import date, timedelta

from accreditation import attention as a
from assessments.deadlines import DeadlineMissed
from assessments.selectors import CompetenceStatus, resit_due
from tests.accreditation import factories_readiness as fr

ON = date(2027, 3, 17)  # a Wednesday
MONDAY = date(2027, 3, 15)


def progress(status, *, window_end):
    return replace(fr.training_days(uni=(7, 8, 8), work=(5, 5, 6), window_end=window_end), status=status)


def test_training_days_off_track_is_always_action():
    reason = a.training_days_reason(progress("off_track", window_end=ON + timedelta(weeks=30)), on=ON)
    assert reason.severity == a.COMPLETION
    assert reason.text.startswith("Training days cannot all be done in time: 2 university and 4 workplace")
    assert "extension or an interruption" in reason.action


def test_training_days_at_risk_counts_only_inside_the_closing_weeks():
    closing = ON + timedelta(weeks=a.WINDOW_CLOSING_WEEKS)
    inside = a.training_days_reason(progress("at_risk", window_end=closing), on=ON)
    assert inside is not None and inside.on == closing
    assert "Training window closing with days missing" in inside.text
    outside = progress("at_risk", window_end=closing + timedelta(days=1))
    assert a.training_days_reason(outside, on=ON) is None
    on_track = progress("on_track", window_end=closing)
    assert a.training_days_reason(on_track, on=ON) is None


def summary(**changes):
    return replace(fr.summary(start=date(2026, 6, 1), end=ON), **changes)


def missed(*weeks_ago):
    return tuple(MONDAY - timedelta(weeks=n) for n in weeks_ago)


def test_case_management_missed_in_two_of_the_last_four_weeks_is_action():
    found = a.supervision_reasons(summary(missed_weeks=missed(1, 4)), on=ON)
    assert [(r.code, r.severity, r.on) for r in found] == [
        ("supervision", a.SAFETY, MONDAY - timedelta(weeks=4))
    ]
    assert found[0].text == "No case-management supervision in 2 of the last 4 weeks"
    # One week in the last four, and older gaps (a fifth week back, this week not yet over), are not.
    assert a.supervision_reasons(summary(missed_weeks=missed(1, 5, 9, 0)), on=ON) == []


def test_clinical_skills_shortfall_from_the_threshold():
    at = summary(clinical_skills_shortfall_hours=float(a.CLINICAL_SKILLS_SHORTFALL_HOURS))
    assert [r.text for r in a.supervision_reasons(at, on=ON)] == ["Clinical-skills supervision 4 hours short"]
    below = summary(clinical_skills_shortfall_hours=a.CLINICAL_SKILLS_SHORTFALL_HOURS - 0.5)
    assert a.supervision_reasons(below, on=ON) == []


def test_case_reviews_past_the_programmes_interval_and_a_weeks_grace():
    limit = 28 + a.CASE_REVIEW_GRACE_DAYS
    found = a.supervision_reasons(summary(overdue_case_reviews=(("AB12", limit + 1), ("CD34", 30))), on=ON)
    assert [(r.code, r.severity) for r in found] == [("case_reviews", a.SAFETY)]
    assert found[0].text == f"1 case review overdue (longest {limit + 1} days, the rule is 28)"
    assert found[0].on == ON - timedelta(days=limit + 1 - 28)
    assert a.supervision_reasons(summary(overdue_case_reviews=(("AB12", limit),)), on=ON) == []
    # The programme's own interval is the base: with 14 days, 22 days unreviewed is past the grace.
    fortnightly = summary(overdue_case_reviews=(("AB12", 22),), case_review_interval_days=14)
    assert [r.code for r in a.supervision_reasons(fortnightly, on=ON)] == ["case_reviews"]


def figures(**changes):
    """Caseload figures on ON; the days without contact follow from the dates, as with no interruption."""
    values = {"caseload_expected_from": date(2026, 8, 1), **changes}
    since = max(
        values.get("last_contact_on") or values["caseload_expected_from"], values["caseload_expected_from"]
    )
    values.setdefault(
        "days_without_contact", (ON - since).days if values["caseload_expected_from"] <= ON else None
    )
    return replace(fr.caseload(as_of=ON), **values)


def test_no_patient_contact_for_four_weeks_once_the_ramp_expects_patients():
    limit = ON - timedelta(weeks=a.NO_CONTACT_WEEKS)
    reason = a.caseload_reason(figures(last_contact_on=limit), on=ON)
    assert reason.code == "caseload" and reason.on == limit
    assert reason.text == "No patient contact recorded since 17 February 2027"
    assert a.caseload_reason(figures(last_contact_on=limit + timedelta(days=1)), on=ON) is None
    # Never a contact: counted from the day the ramp first expects patients.
    never = figures(last_contact_on=None, caseload_expected_from=limit)
    assert "since the caseload began on 17 February 2027" in a.caseload_reason(never, on=ON).text
    too_soon = figures(last_contact_on=None, caseload_expected_from=limit + timedelta(days=1))
    assert a.caseload_reason(too_soon, on=ON) is None
    # An interruption pauses the count: five calendar weeks, three of them paused, are two weeks of training.
    paused = figures(last_contact_on=limit - timedelta(weeks=1), days_without_contact=14)
    assert a.caseload_reason(paused, on=ON) is None
    # Behind the ramp while contacts are being recorded is a little behind, not action.
    assert a.caseload_reason(figures(status="behind", last_contact_on=ON), on=ON) is None


def test_a_caseload_that_cannot_reach_the_years_total_even_at_full_caseload():
    behind = figures(status="behind", last_contact_on=ON, actual_patients_to_date=33, most_by_year_end=133.0)
    reason = a.caseload_reason(replace(behind, year_total_within_reach=False), on=ON)
    assert reason.severity == a.COMPLETION
    assert reason.text == (
        "Caseload cannot catch up: 33 patients seen, at most 133 by the end of the year at a full caseload, "
        "against 179 expected"
    )
    # Still within reach (the caseload area's verdict, by the ramp's tolerance), or not behind: not action.
    assert a.caseload_reason(behind, on=ON) is None
    on_track = replace(behind, status="on_track", year_total_within_reach=False)
    assert a.caseload_reason(on_track, on=ON) is None


def test_a_deadline_passed_with_nothing_submitted():
    items = [
        DeadlineMissed(1, 2, "Written examination", date(2027, 3, 9)),
        DeadlineMissed(1, 3, "Written case report", date(2027, 1, 12)),
    ]
    reason = a.deadlines_reason(items)
    assert reason.severity == a.OVERDUE and reason.on == date(2027, 1, 12)
    assert (
        reason.text
        == "Nothing submitted for Written case report and Written examination (due 12 January 2027)"
    )
    assert a.deadlines_reason([]) is None


def test_rows_rank_by_severity_then_date_and_say_what_to_do():
    class Person:
        def __init__(self, last):
            self.last_name, self.first_name = last, "A"

    class Enrolment:
        def __init__(self, pk, last):
            self.pk, self.user = pk, Person(last)

    def reason(severity, on):
        return a.Reason("marking", severity, on, "why", "what", "assessments:trainee")

    rows = [
        a.AttentionRow(Enrolment(1, "Able"), (reason(a.OVERDUE, date(2027, 1, 1)),)),
        a.AttentionRow(Enrolment(2, "Baker"), (reason(a.SAFETY, date(2027, 3, 1)),)),
        a.AttentionRow(Enrolment(3, "Cole"), (reason(a.SAFETY, date(2027, 2, 1)),)),
    ]
    assert [r.enrolment.pk for r in sorted(rows, key=lambda r: r.sort_key)] == [3, 2, 1]


def test_every_reason_has_words_for_what_to_do():
    assert a.marking_reason([date(2027, 3, 1)]).action
    failed = CompetenceStatus("ba", "Behavioural activation", "intervention", 2, "failed", 1, 2, *[None] * 4)
    assert resit_due(failed)
    assert a.resits_reason([failed.name]).action == "Give feedback and book the resit"
    assert not resit_due(replace(failed, attempts_used=2))  # no attempt left: not a resit
    assert a.resits_reason([]) is None
    assert any(str(a.MISSED_WEEKS_FOR_ACTION) in rule for _, rules in a.RULES_IN_WORDS for rule in rules)
