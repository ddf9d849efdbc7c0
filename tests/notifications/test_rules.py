"""The one rule, pure: timings, recipients by role, and never twice."""

from datetime import date, timedelta

from notifications.rules import AT_ONCE_CATCH_UP_DAYS, Condition, Rule, decide, due_date

DAY = date(2026, 3, 10)


def rule(timing="at_once", days=0, roles=("trainee",), condition="c", pk=1):
    return Rule(pk, f"kind-{pk}", condition, roles, timing, days)


def test_at_once_is_due_from_its_date_for_a_fortnight_and_never_before():
    r = rule()
    assert due_date(r, DAY, DAY - timedelta(days=1)) is None
    assert due_date(r, DAY, DAY) == DAY
    assert due_date(r, DAY, DAY + timedelta(days=AT_ONCE_CATCH_UP_DAYS)) == DAY
    assert due_date(r, DAY, DAY + timedelta(days=AT_ONCE_CATCH_UP_DAYS + 1)) is None


def test_before_is_due_within_n_days_of_the_date_only():
    r = rule("before", 60)
    assert due_date(r, DAY, DAY - timedelta(days=61)) is None
    assert due_date(r, DAY, DAY - timedelta(days=60)) == DAY
    assert due_date(r, DAY, DAY) == DAY
    assert due_date(r, DAY, DAY + timedelta(days=1)) is None


def test_repeat_gives_one_due_date_per_slot_and_catches_up_a_missed_run():
    r = rule("repeat", 7)
    assert due_date(r, DAY, DAY - timedelta(days=1)) is None
    assert [due_date(r, DAY, DAY + timedelta(days=n)) for n in (0, 6, 7, 13, 15)] == [
        DAY,
        DAY,
        DAY + timedelta(days=7),
        DAY + timedelta(days=7),
        DAY + timedelta(days=14),
    ]


def test_decide_sends_to_the_kinds_roles_once_each():
    condition = Condition(
        "c", "attempt:1", DAY, "Waiting", "/x", {"trainee": (5,), "educators": (7, 8, 7)}, 3, "Ann"
    )
    dues = decide([condition, condition], [rule(roles=("educators",))], DAY)
    assert sorted(d.recipient_id for d in dues) == [7, 8]
    assert {(d.subject, d.due_on, d.enrolment_id) for d in dues} == {("attempt:1", DAY, 3)}
    assert decide([condition], [rule(condition="other")], DAY) == []


def test_a_release_date_tomorrow_is_not_announced_today():
    released = Condition("marks_released", "attempt:9", DAY, "Ready", "/a", {"trainee": (1,)})
    rules = [rule(condition="marks_released")]
    assert decide([released], rules, DAY - timedelta(days=1)) == []
    assert [d.recipient_id for d in decide([released], rules, DAY)] == [1]


def test_the_trainee_it_is_about_is_told_in_their_own_words_and_everyone_else_by_name():
    condition = Condition(
        "c",
        "week:3:2026-03-02",
        DAY,
        "Ann Lee did not have enough case-management supervision in the week of 2 March 2026",
        "/x",
        {"trainee": (5,), "case_management_supervisor": (7,)},
        3,
        "Ann Lee",
        own_text="You did not have enough case-management supervision in the week of 2 March 2026",
    )
    dues = decide([condition], [rule(roles=("trainee", "case_management_supervisor"))], DAY)
    texts = {d.recipient_id: d.text for d in dues}
    assert texts[5].startswith("You did not have enough")
    assert texts[7].startswith("Ann Lee did not have enough")
    # Without words of its own, the trainee reads what everyone reads.
    plain = Condition("c", "s", DAY, "Ann Lee submitted a portfolio", "/x", {"trainee": (5,)}, 3, "Ann Lee")
    assert decide([plain], [rule()], DAY)[0].text == "Ann Lee submitted a portfolio"
