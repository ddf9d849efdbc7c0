"""Career eligibility: both published readings of high-intensity eligibility, and band 6 readiness."""

import json
from datetime import date
from pathlib import Path

import pytest

from workforce import engine
from workforce.engine import PostFact, PractitionerFacts, RuleError, TrainingFact

RULES = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "workforce.json").read_text())


def rule_set(code) -> engine.RuleSet:
    row = next(r for r in RULES["rule_sets"] if r["code"] == code)
    return engine.RuleSet(
        code=row["code"],
        version=row["version"],
        purpose=row["purpose"],
        name=row["name"],
        source=row["source"],
        effective_from=date.fromisoformat(row["effective_from"]),
        effective_to=None,
        criteria=tuple(
            engine.CriterionRule(
                c["code"], c["kind"], c["description"], c["target"], c["parameters"], c["order"]
            )
            for c in row["criteria"]
        ),
    )


GUIDE, NHS, BAND_6 = rule_set("hit-guide"), rule_set("hit-nhs-entry"), rule_set("band-6-readiness")


def post(n, starts, ends=None, *, band=5, kind="pwp", wte=1.0):
    return PostFact(n, kind, band, wte, starts, ends)


def facts(*posts, training=()):
    return PractitionerFacts(posts=tuple(posts), supervisor_training=tuple(training))


def test_two_years_as_a_qualified_pwp_meets_both_readings_on_the_same_day():
    history = facts(post(1, date(2022, 1, 1)))
    guide = engine.evaluate(history, GUIDE, as_of=date(2024, 6, 1))
    nhs = engine.evaluate(history, NHS, as_of=date(2024, 6, 1))
    assert guide.met and nhs.met
    assert guide.eligible_on == nhs.eligible_on
    assert date(2023, 12, 30) <= guide.eligible_on <= date(2024, 1, 1)


def test_the_training_year_counts_for_the_guide_but_not_for_continuous_employment_as_a_pwp():
    history = facts(post(1, date(2022, 1, 1), date(2022, 12, 31), band=4), post(2, date(2023, 1, 1)))
    as_of = date(2024, 3, 1)
    guide = engine.evaluate(history, GUIDE, as_of=as_of)
    nhs = engine.evaluate(history, NHS, as_of=as_of)
    assert guide.met and not nhs.met
    assert nhs.eligible_on.year == 2024 and nhs.eligible_on > as_of
    assert nhs.projected
    assert nhs.criteria[0].value == pytest.approx(14.0, abs=0.2)


def test_an_assistant_psychologist_post_counts_only_for_the_psychological_role_reading():
    history = facts(
        post(1, date(2021, 1, 1), date(2021, 12, 31), kind="psychological", band=4), post(2, date(2022, 1, 1))
    )
    as_of = date(2023, 2, 1)
    assert engine.evaluate(history, GUIDE, as_of=as_of).met
    assert not engine.evaluate(history, NHS, as_of=as_of).met


def test_a_career_break_pauses_the_guide_count_and_restarts_the_continuous_count():
    history = facts(
        post(1, date(2020, 1, 1), date(2020, 12, 31)),  # a year as a PWP
        post(2, date(2021, 7, 1)),  # six months' break, then back
    )
    as_of = date(2022, 3, 1)
    guide = engine.evaluate(history, GUIDE, as_of=as_of)
    nhs = engine.evaluate(history, NHS, as_of=as_of)
    # Guide: 366 days before the break + 244 after = 20 months; the other 4 months end in late June.
    assert guide.criteria[0].value == pytest.approx(20.0, abs=0.2)
    assert not guide.met and guide.eligible_on.strftime("%Y-%m") == "2022-06"
    # NHS: the break is longer than 28 days, so the count starts again in July 2021. The value is the
    # longest continuous run so far (the 12 months of 2020); two years from July 2021 is July 2023.
    assert nhs.criteria[0].value == pytest.approx(12.0, abs=0.2)
    assert nhs.eligible_on == date(2023, 7, 1)


def test_a_short_gap_between_posts_does_not_break_continuous_employment():
    history = facts(post(1, date(2021, 1, 1), date(2021, 12, 31)), post(2, date(2022, 1, 20)))
    result = engine.evaluate(history, NHS, as_of=date(2023, 3, 1))
    assert result.met


def test_part_time_posts_count_in_calendar_time_unless_the_rule_says_pro_rata():
    history = facts(post(1, date(2022, 1, 1), wte=0.5))
    as_of = date(2024, 2, 1)
    assert engine.evaluate(history, GUIDE, as_of=as_of).met
    pro_rata = engine.RuleSet(
        "pro-rata",
        "1",
        "high_intensity",
        "Two years whole-time equivalent",
        "test",
        date(2015, 1, 1),
        None,
        (engine.CriterionRule("wte", "months_in_roles", "24 months WTE", 24, {"pro_rata_wte": True}),),
    )
    result = engine.evaluate(history, pro_rata, as_of=as_of)
    assert not result.met
    assert result.criteria[0].value == pytest.approx(12.5, abs=0.2)
    assert result.eligible_on.year == 2025 or result.eligible_on.year == 2026


def test_two_part_time_posts_at_once_add_up_to_at_most_one_whole_time_post():
    history = facts(post(1, date(2022, 1, 1), wte=0.6), post(2, date(2022, 1, 1), wte=0.6))
    rules = engine.RuleSet(
        "p",
        "1",
        "high_intensity",
        "p",
        "t",
        date(2015, 1, 1),
        None,
        (engine.CriterionRule("w", "months_in_roles", "w", 12, {"pro_rata_wte": True}),),
    )
    result = engine.evaluate(history, rules, as_of=date(2022, 7, 1))
    assert result.criteria[0].value == pytest.approx(6.0, abs=0.2)


def test_someone_who_left_psychological_work_has_no_projected_date():
    history = facts(post(1, date(2022, 1, 1), date(2022, 12, 31)))
    result = engine.evaluate(history, GUIDE, as_of=date(2024, 1, 1))
    assert not result.met and result.eligible_on is None
    assert "no current post" in result.criteria[0].gap


def test_band_6_readiness_needs_verified_accredited_supervisor_training_as_well_as_two_years_qualified():
    two_years = post(1, date(2021, 1, 1))
    unverified = TrainingFact(7, date(2022, 5, 1), accredited_provider=True, verified=False)
    verified = TrainingFact(8, date(2022, 9, 1), accredited_provider=True, verified=True)
    not_accredited = TrainingFact(9, date(2022, 3, 1), accredited_provider=False, verified=True)
    as_of = date(2023, 6, 1)
    without = engine.evaluate(facts(two_years, training=[unverified, not_accredited]), BAND_6, as_of=as_of)
    assert not without.met
    assert [c.met for c in without.criteria] == [True, False]
    ready = engine.evaluate(facts(two_years, training=[unverified, verified]), BAND_6, as_of=as_of)
    assert ready.met
    assert ready.criteria[1].evidence == (("training", 8),)
    # Ready on the later of the two: the second anniversary of qualifying (training came first).
    assert ready.eligible_on == date(2023, 1, 1)


def test_the_evidence_names_the_posts_that_count():
    history = facts(post(1, date(2022, 1, 1)), post(2, date(2020, 1, 1), date(2020, 6, 1), kind="other"))
    result = engine.evaluate(history, GUIDE, as_of=date(2022, 6, 1))
    assert result.criteria[0].evidence == (("post", 1),)


def test_an_unknown_kind_or_parameter_is_refused():
    with pytest.raises(RuleError):
        engine.validate_rule("three_year_cut_off", {}, 36)
    with pytest.raises(RuleError):
        engine.validate_rule("months_in_roles", {"rumoured": True}, 24)
    with pytest.raises(RuleError):
        engine.validate_rule("months_in_roles", {}, None)
