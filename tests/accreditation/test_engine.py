"""The readiness engine, scheme by scheme: each criterion flips from unmet to met at its boundary.

Every case starts from a practitioner who meets every criterion (`ready_facts`) and changes one thing, so
the criterion under test is the only one unmet below the boundary, and the scheme is ready at it.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from accreditation.engine import CriterionRule, RuleError, SchemeRules, Stage, evaluate, validate_rule
from tests.accreditation import factories_readiness as fr
from tests.accreditation.factories_readiness import AS_OF, ready_facts

CPD_UNI, CPD_WORK = (7, 8), (5, 5)
SCHEMES = [
    "course-completion",
    "cpd-route",
    "babcp-pwp-accreditation-2010",
    "babcp-pwp-registration",
    "bps-wpw-register",
]

# (scheme, stage, criterion, facts just below the boundary, facts at it, words the gap must contain)
REGISTRATION_CASES = []
for _scheme in ("babcp-pwp-registration", "bps-wpw-register"):
    reflections = 4 if _scheme == "babcp-pwp-registration" else 3
    REGISTRATION_CASES += [
        (
            _scheme,
            "initial",
            "accredited-course",
            {"programme_accredited": False},
            {},
            "not a BPS-accredited",
        ),
        (
            _scheme,
            "initial",
            "accredited-course",
            {"route_code": "cpd", "route_name": "CPD route"},
            {},
            "does not count",
        ),
        (_scheme, "initial", "accredited-course", {"is_qualified": False}, {}, "Complete the"),
        (
            _scheme,
            "initial",
            "months-in-service",
            {"caseload": fr.caseload(first_contact=date(2026, 9, 16))},
            {"caseload": fr.caseload(first_contact=date(2026, 9, 15))},
            "1 more month in a service since your first patient contact",
        ),
        (
            _scheme,
            "initial",
            "months-in-service",
            {"caseload": fr.caseload(first_contact=None)},
            {},
            "none yet",
        ),
        (
            _scheme,
            "initial",
            "supervisor-report",
            {"supervisor_reports": fr.reports(final_on=date(2027, 2, 14))},
            {"supervisor_reports": fr.reports(final_on=date(2027, 2, 15))},
            "more than 1 month before 15 March 2027",
        ),
        (
            _scheme,
            "initial",
            "step2-practice",
            {"caseload": fr.caseload(step2=1.99)},
            {"caseload": fr.caseload(step2=2.0)},
            "0.01 more hours a week of step-2 practice",
        ),
        (
            _scheme,
            "renewal",
            "cpd-activities",
            {"cpd": fr.cpd(4) + fr.cpd(1, reflection=False, first_id=900)},
            {"cpd": fr.cpd(5)},
            "1 more CPD activity with a reflective statement",
        ),
        (
            _scheme,
            "renewal",
            "cbt-hours",
            {"cpd": fr.cpd(5, hours=1.19)},
            {"cpd": fr.cpd(5, hours=1.2)},
            "0.05 more hours of CBT-informed skills development",
        ),
        (
            _scheme,
            "renewal",
            "cbt-reflections",
            {"cpd": fr.cpd(reflections - 1, hours=3) + fr.cpd(6 - reflections, cbt=False, first_id=900)},
            {"cpd": fr.cpd(reflections, hours=3) + fr.cpd(5 - reflections, cbt=False, first_id=900)},
            "1 more CBT-informed reflective statement",
        ),
        (
            _scheme,
            "renewal",
            "live-assessments",
            {"supervision_last_year": fr.summary(live=1)},
            {"supervision_last_year": fr.summary(live=2)},
            "1 more live assessment",
        ),
        (
            _scheme,
            "renewal",
            "live-assessments",
            {"supervision_last_year": fr.summary(interventions=("behavioural-activation",))},
            {},
            "covering 2 different interventions (so far: behavioural activation)",
        ),
        (
            _scheme,
            "renewal",
            "case-management-supervision",
            {"supervision_last_year": fr.summary(missed=(date(2026, 11, 2),))},
            {},
            "1 week in the last 12 months without an hour of case-management supervision "
            "(weeks of 2 Nov 2026)",
        ),
        (
            _scheme,
            "renewal",
            "clinical-skills-supervision",
            {"supervision_last_year": fr.summary(shortfall=0.5)},
            {},
            "30 minutes short of an hour of clinical-skills supervision a fortnight",
        ),
    ]

CASES = [
    # course completion
    (
        "course-completion",
        "initial",
        "training-days",
        {"training_days": fr.training_days(uni=(7, 8, 9))},
        {},
        "1 more university day",
    ),
    (
        "course-completion",
        "initial",
        "training-days",
        {"training_days": fr.training_days(within_window=False)},
        {},
        "completed after the window ended",
    ),
    (
        "course-completion",
        "initial",
        "training-days",
        {"training_days": fr.training_days(work=(5, 5, 8), window_end=date(2027, 1, 5))},
        {},
        "2 more workplace days; the window ended on 5 January 2027",
    ),
    (
        "course-completion",
        "initial",
        "module-assessments",
        {"module_results": fr.module_results(failed={(2, "essay")})},
        {},
        "Pass 1 more module assessment: module 2 written assignment (failed)",
    ),
    (
        "course-completion",
        "initial",
        "interventions",
        {"competences": fr.competences(unsigned=("sleep-hygiene",))},
        {},
        "1 competence still to be signed off: Sleep hygiene",
    ),
    (
        "course-completion",
        "initial",
        "other-competences",
        {"competences": fr.competences(unsigned=("values",))},
        {},
        "still to be signed off: Working within",
    ),
    (
        "course-completion",
        "initial",
        "contact-hours",
        {"caseload": fr.caseload(contact_hours=79.75)},
        {"caseload": fr.caseload(contact_hours=80.0)},
        "0.25 more hours of direct clinical contact",
    ),
    (
        "course-completion",
        "initial",
        "clinical-skills-supervision",
        {"supervision": fr.summary(cs=19.5)},
        {"supervision": fr.summary(cs=20.0)},
        "0.5 more hours of clinical-skills supervision",
    ),
    (
        "course-completion",
        "initial",
        "case-management-supervision",
        {"supervision": fr.summary(cm=13.0)},
        {"supervision": fr.summary(cm=20.0)},
        "7 more hours of case-management supervision",
    ),
    (
        "course-completion",
        "initial",
        "final-report",
        {"supervisor_reports": fr.reports(final_on=None)},
        {},
        "A signed final supervisor's report",
    ),
    (
        "course-completion",
        "initial",
        "final-report",
        {"supervisor_reports": fr.reports(final_on=AS_OF + timedelta(days=1))},
        {},
        "A signed final",
    ),
    # the CPD route: only modules 1 and 2 count, so an unfinished module 3 changes nothing
    (
        "cpd-route",
        "initial",
        "training-days",
        {
            "training_days": fr.training_days(
                uni=(7, 7), work=(5, 5), required_uni=(7, 8), required_work=(5, 5)
            )
        },
        {
            "training_days": fr.training_days(
                uni=(7, 8), work=(5, 5), required_uni=(7, 8), required_work=(5, 5)
            )
        },
        "1 more university day",
    ),
    (
        "cpd-route",
        "initial",
        "training-days",
        {"training_days": fr.training_days(uni=(7, 8, 0), work=(5, 4, 0), window_end=AS_OF)},
        {"training_days": fr.training_days(uni=(7, 8, 0), work=(5, 5, 0), window_end=AS_OF)},
        "1 more workplace day by 15 March 2027",
    ),
    (
        "cpd-route",
        "initial",
        "module-assessments",
        {"module_results": fr.module_results(failed={(1, "osce")})},
        {"module_results": fr.module_results(failed={(3, "osce")})},
        "module 1 clinical competence assessment",
    ),
    (
        "cpd-route",
        "initial",
        "competences",
        {"competences": fr.competences(unsigned=("assessment",))},
        {"competences": fr.competences(unsigned=("values",))},
        "Patient-centred assessment",
    ),
    (
        "cpd-route",
        "initial",
        "clinical-skills-supervision",
        {"supervision": fr.summary(cs=19.9)},
        {"supervision": fr.summary(cs=20.0)},
        "0.1 more hours of clinical-skills supervision",
    ),
    (
        "cpd-route",
        "initial",
        "case-management-supervision",
        {"supervision": fr.summary(cm=19.0)},
        {"supervision": fr.summary(cm=20.0)},
        "1 more hour of case-management supervision",
    ),
    # BABCP accreditation (2010)
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "training",
        {"is_qualified": False, "status": "active", "completed_on": None},
        {"route_code": "cpd", "route_name": "CPD route"},
        "Complete the Standard PWP training",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "continuous-practice",
        {"months_in_service": 5},
        {"months_in_service": 6},
        "1 more month in a service since you started",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "direct-practice",
        {"caseload": fr.caseload(contact_hours=79.5)},
        {"caseload": fr.caseload(contact_hours=80)},
        "0.5 more hours of direct clinical contact",
    ),
    # uncredentialed supervision does not count: 30 hours, of which only 24.5 with a credentialed supervisor
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "clinical-skills-supervision",
        {"supervision": fr.summary(cs=30, cs_cred=24.5)},
        {"supervision": fr.summary(cs=30, cs_cred=25)},
        "0.5 more hours of clinical-skills supervision with a credentialed supervisor (5.5 hours with a "
        "supervisor without low-intensity supervisor training do not count)",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "case-management-supervision",
        {"supervision": fr.summary(cm=25, cm_cred=18)},
        {"supervision": fr.summary(cm=25, cm_cred=25)},
        "7 more hours of case-management supervision with a credentialed supervisor",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "initial",
        "supervisor-report",
        {"supervisor_reports": fr.reports(final_on=None, interim_on=None)},
        {"supervisor_reports": fr.reports(final_on=None)},
        "A signed supervisor's report",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "renewal",
        "cpd-hours",
        {"cpd": fr.cpd(8, hours=1.9, cbt=False)},
        {"cpd": fr.cpd(8, hours=2.0, cbt=False)},
        "0.8 more hours of CPD in the 12 months up to now",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "renewal",
        "supervision-log",
        {"supervision_last_year": fr.summary(missed=(date(2026, 5, 4), date(2026, 5, 11)))},
        {},
        "2 weeks",
    ),
    (
        "babcp-pwp-accreditation-2010",
        "renewal",
        "live-assessments",
        {"supervision_last_year": fr.summary(live=1)},
        {"supervision_last_year": fr.summary(live=2, interventions=("behavioural-activation",))},
        "1 more live assessment in the last 12 months",
    ),
    *REGISTRATION_CASES,
]


def _ids(case):
    return f"{case[0]}:{case[1]}:{case[2]}:{case[5][:25]}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_each_criterion_flips_from_unmet_to_met_at_its_boundary(case):
    scheme, stage, code, below, at, words = case
    rules = fr.fixture_rules(scheme)
    result = evaluate(ready_facts(**below), rules, as_of=AS_OF, stage=stage)
    assert [c.code for c in result.unmet] == [code]
    assert result.ready is False
    assert words in result.criterion(code).gap

    result = evaluate(ready_facts(**at), rules, as_of=AS_OF, stage=stage)
    assert result.criterion(code).met
    assert result.criterion(code).gap == ""
    assert result.ready is True


def test_every_criterion_of_every_scheme_has_a_boundary_case():
    covered = {(c[0], c[1], c[2]) for c in CASES}
    for scheme in SCHEMES:
        rules = fr.fixture_rules(scheme)
        for criterion in rules.criteria:
            assert (scheme, criterion.stage, criterion.code) in covered, (scheme, criterion.code)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_practitioner_with_everything_is_ready_for_every_stage(scheme):
    rules = fr.fixture_rules(scheme)
    for stage in (Stage.INITIAL, Stage.RENEWAL):
        if rules.has_stage(stage):
            result = evaluate(ready_facts(), rules, as_of=AS_OF, stage=stage)
            assert result.ready, [(c.code, c.gap) for c in result.unmet]


def test_the_bps_register_needs_three_cbt_reflections_where_babcp_needs_four():
    facts = ready_facts(cpd=fr.cpd(3) + fr.cpd(2, cbt=False, first_id=900))
    babcp = evaluate(facts, fr.fixture_rules("babcp-pwp-registration"), as_of=AS_OF, stage="renewal")
    bps = evaluate(facts, fr.fixture_rules("bps-wpw-register"), as_of=AS_OF, stage="renewal")
    assert not babcp.ready and [c.code for c in babcp.unmet] == ["cbt-reflections"]
    assert bps.ready


def test_unconfirmed_cpd_does_not_count_and_the_gap_says_it_is_waiting():
    facts = ready_facts(cpd=fr.cpd(3) + fr.cpd(2, confirmed=False, first_id=900))
    result = evaluate(facts, fr.fixture_rules("babcp-pwp-registration"), as_of=AS_OF, stage="renewal")
    gap = result.criterion("cpd-activities").gap
    assert gap == (
        "2 more CPD activities with a reflective statement in the 12 months up to now "
        "(2 more are waiting for a supervisor to confirm)"
    )
    assert result.criterion("cpd-activities").evidence == (("cpd", 500), ("cpd", 501), ("cpd", 502))


def test_cpd_older_than_the_renewal_year_does_not_count():
    old = fr.cpd(5, on=AS_OF - timedelta(days=366))
    result = evaluate(
        ready_facts(cpd=old), fr.fixture_rules("babcp-pwp-registration"), as_of=AS_OF, stage="renewal"
    )
    assert result.criterion("cpd-activities").value == 0


def test_results_carry_values_targets_and_evidence():
    result = evaluate(ready_facts(), fr.fixture_rules("course-completion"), as_of=AS_OF)
    interventions = result.criterion("interventions")
    assert (interventions.value, interventions.target, interventions.unit) == (7, 7, "competences")
    assert interventions.evidence == tuple(("sign_off", 100 + n) for n in range(2, 9))
    report = result.criterion("final-report")
    assert report.value == date(2027, 3, 1) and report.evidence == (("supervision_report", 8),)
    days = result.criterion("training-days")
    assert (days.value, days.target) == (45, 45)
    assert result.criterion("contact-hours").target == 80


def test_criteria_are_listed_in_the_order_to_tackle():
    facts = ready_facts(
        supervisor_reports=(),
        competences=fr.competences(unsigned=("sleep-hygiene",)),
        caseload=fr.caseload(contact_hours=10),
        supervision=fr.summary(cm=5),
    )
    result = evaluate(facts, fr.fixture_rules("course-completion"), as_of=AS_OF)
    # Scheme order is kept for tables; the trainee's list puts what builds up over time first,
    # then work to finish, then the paperwork that comes at the end; what is met comes last.
    assert [c.code for c in result.criteria][:3] == ["training-days", "module-assessments", "interventions"]
    tackle = [c.code for c in result.in_order_to_tackle()]
    assert tackle[:4] == ["contact-hours", "case-management-supervision", "interventions", "final-report"]
    assert all(c.met for c in result.in_order_to_tackle()[4:])


def test_renewal_schemes_give_the_next_due_date():
    rules = fr.fixture_rules("babcp-pwp-registration")
    result = evaluate(ready_facts(), rules, as_of=AS_OF, stage="renewal")
    assert result.next_due == date(2027, 12, 20)
    later = evaluate(ready_facts(), rules, as_of=date(2028, 1, 3), stage="renewal")
    assert later.next_due == date(2028, 12, 20)
    three_yearly = evaluate(
        ready_facts(), fr.fixture_rules("babcp-pwp-accreditation-2010"), as_of=AS_OF, stage="renewal"
    )
    assert three_yearly.next_due == date(2029, 12, 20)
    assert evaluate(ready_facts(), rules, as_of=AS_OF).next_due is None
    unqualified = ready_facts(is_qualified=False, completed_on=None, status="active")
    assert evaluate(unqualified, rules, as_of=AS_OF, stage="renewal").next_due is None


def test_a_scheme_version_out_of_force_is_still_evaluated_and_says_so():
    result = evaluate(ready_facts(), fr.fixture_rules("babcp-pwp-accreditation-2010"), as_of=AS_OF)
    assert result.ready and result.in_force is False


def test_months_in_service_leave_out_interruptions_and_say_when_they_will_be_reached():
    facts = ready_facts(
        interruptions=((date(2026, 10, 1), date(2026, 10, 31)),),
        caseload=fr.caseload(first_contact=date(2026, 9, 1)),
    )
    result = evaluate(facts, fr.fixture_rules("babcp-pwp-registration"), as_of=AS_OF)
    months = result.criterion("months-in-service")
    assert months.value == 5
    assert (
        months.gap == "1 more month in a service since your first patient contact (reached on 1 April 2027)"
    )


def test_a_rule_with_an_unknown_kind_or_bad_parameters_is_refused():
    with pytest.raises(RuleError, match="not a known kind"):
        validate_rule("supervision_minutes", {}, 1)
    with pytest.raises(RuleError, match="Unknown parameter"):
        validate_rule("contact_hours", {"kind": "x"}, 80)
    with pytest.raises(RuleError, match="must be one of"):
        validate_rule("supervision_hours", {"kind": "group"}, 20)
    with pytest.raises(RuleError, match="needs the parameter"):
        validate_rule("supervision_hours", {}, 20)
    with pytest.raises(RuleError, match="wrong type"):
        validate_rule("competences_signed", {"modules": ["1"]}, None)
    with pytest.raises(RuleError, match="needs a target"):
        validate_rule("contact_hours", {}, None)


def test_the_same_kind_with_other_data_gives_another_result():
    rules = SchemeRules(
        scheme_code="local",
        scheme_name="A local scheme",
        version="1",
        effective_from=date(2020, 1, 1),
        effective_to=None,
        criteria=(CriterionRule("contact", "contact_hours", "At least 150 hours of contact", target=150),),
    )
    result = evaluate(ready_facts(), rules, as_of=AS_OF)
    assert not result.ready and result.criterion("contact").gap == "30 more hours of direct clinical contact"
    assert evaluate(ready_facts(), replace(rules, criteria=()), as_of=AS_OF).ready is False


def test_missed_supervision_weeks_count_when_they_reach_into_the_last_12_months():
    from accreditation.criteria import KINDS

    check = KINDS["supervision_frequency"].check
    # AS_OF is Monday 15 March 2027: the 12 months start on 16 March 2026. The week of Monday 9 March 2026
    # ends the day before, so it is outside; the week of Monday 16 March is the first inside.
    outside = ready_facts(supervision_last_year=fr.summary(missed=(date(2026, 3, 9),)))
    assert check(outside, {"kind": "case_management"}, 0, AS_OF).value == 0
    inside = ready_facts(supervision_last_year=fr.summary(missed=(date(2026, 3, 16),)))
    assert check(inside, {"kind": "case_management"}, 0, AS_OF).value == 1


def _check(kind_code, facts, target, **parameters):
    from accreditation.criteria import KINDS

    return KINDS[kind_code].check(facts, validate_rule(kind_code, parameters, target), target, AS_OF)


def test_cpd_counts_from_the_day_after_the_period_starts_up_to_the_as_of_date_with_or_without_reflection():
    # AS_OF is 15 March 2027; 12 months back is 15 March 2026, which is outside (the period is the 12 months
    # up to and including the as-of date). Neither activity has a reflective statement: hours need none.
    on_the_start = fr.cpd(1, reflection=False, on=date(2026, 3, 15), first_id=1)
    on_the_day = fr.cpd(1, reflection=False, on=AS_OF, first_id=2)
    outcome = _check("cpd_hours", ready_facts(cpd=on_the_start + on_the_day), 2)
    assert (outcome.met, outcome.value, outcome.evidence) == (True, 2.0, (("cpd", 2),))


def test_one_cpd_activity_waiting_for_confirmation_is_worded_in_the_singular():
    waiting = fr.cpd(1, confirmed=False, first_id=1)
    outcome = _check("cpd_hours", ready_facts(cpd=fr.cpd(1, first_id=2) + waiting), 10)
    assert outcome.gap == (
        "8 more hours of CPD in the 12 months up to now (1 more is waiting for a supervisor to confirm)"
    )


def test_rule_errors_are_worded_exactly():
    from accreditation.criteria import KINDS

    with pytest.raises(RuleError) as error:
        validate_rule("supervision_minutes", {}, 1)
    assert str(error.value) == (
        f"“supervision_minutes” is not a known kind of criterion. Known kinds: {', '.join(sorted(KINDS))}."
    )
    with pytest.raises(RuleError) as error:
        validate_rule("contact_hours", ["kind"], 80)
    assert str(error.value) == (
        'Parameters must be a JSON object, for example {} or {"kind": "case_management"}.'
    )
    with pytest.raises(RuleError) as error:
        validate_rule("contact_hours", {"kind": "x", "as_of": 1}, 80)
    assert str(error.value) == "Unknown parameter as_of, kind for “contact_hours” (allowed: none)."
    with pytest.raises(RuleError) as error:
        validate_rule("supervision_frequency", {"kinds": 1}, 0)
    assert str(error.value) == "Unknown parameter kinds for “supervision_frequency” (allowed: kind)."
    with pytest.raises(RuleError) as error:
        validate_rule("live_assessments", {"x": 1}, 2)
    assert str(error.value) == (
        "Unknown parameter x for “live_assessments” (allowed: distinct_interventions)."
    )
    with pytest.raises(RuleError) as error:
        validate_rule("cpd_hours", {"x": 1}, 2)
    assert str(error.value).endswith("(allowed: cbt_informed, confirmed_only, period_months).")
    with pytest.raises(RuleError) as error:
        validate_rule("supervision_frequency", {"kind": "group"}, 0)
    assert str(error.value) == "The parameter “kind” must be one of: case_management, clinical_skills."


def test_a_signed_time_is_read_as_the_date_in_the_uk():
    from datetime import UTC, datetime

    from accreditation.criteria import local_date

    assert local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)  # 00:30 in London
    assert local_date(datetime(2026, 6, 30, 23, 30)) == date(2026, 6, 30)  # no zone: taken as written
    assert local_date(date(2026, 6, 30)) == date(2026, 6, 30)


LOCAL = SchemeRules(
    scheme_code="local",
    scheme_name="A local scheme",
    version="2",
    effective_from=date(2026, 1, 1),
    effective_to=date(2026, 12, 31),
    criteria=(
        CriterionRule("contact", "contact_hours", "At least 150 hours of contact", target=150.0, order=3),
        CriterionRule("renew", "contact_hours", "Contact", target=1, stage="renewal"),
    ),
    renewal_months=12,
)


def test_a_result_carries_its_scheme_stage_date_and_each_criterion_as_written():
    class Version:  # a SchemeVersion-like object: the engine asks it for its rules
        def as_rules(self):
            return LOCAL

    result = evaluate(ready_facts(), Version(), as_of=AS_OF)
    assert (result.scheme_code, result.scheme_name, result.version, result.stage, result.as_of) == (
        "local",
        "A local scheme",
        "2",
        "initial",
        AS_OF,
    )
    contact = result.criterion("contact")
    assert (contact.kind, contact.description, contact.order) == (
        "contact_hours",
        "At least 150 hours of contact",
        3,
    )
    assert (
        contact.target == 150 and type(contact.target) is int
    )  # a whole-number target reads "150", not "150.0"
    assert result.criterion("no-such-criterion") is None
    assert evaluate(ready_facts(), LOCAL, as_of=AS_OF, stage=Stage.RENEWAL).stage == "renewal"


def test_a_scheme_is_in_force_from_its_first_to_its_last_day():
    assert LOCAL.in_force(date(2026, 1, 1)) and LOCAL.in_force(date(2026, 12, 31))
    assert not LOCAL.in_force(date(2025, 12, 31)) and not LOCAL.in_force(date(2027, 1, 1))


def test_renewal_is_due_on_the_anniversary_itself_and_only_for_the_qualified():
    facts = ready_facts()  # completed on 20 December 2026
    assert evaluate(facts, LOCAL, as_of=date(2027, 12, 20), stage="renewal").next_due == date(2027, 12, 20)
    assert evaluate(facts, LOCAL, as_of=date(2027, 12, 21), stage="renewal").next_due == date(2028, 12, 20)
    unqualified = ready_facts(is_qualified=False)
    assert evaluate(unqualified, LOCAL, as_of=AS_OF, stage="renewal").next_due is None
    not_completed = ready_facts(completed_on=None)
    assert evaluate(not_completed, LOCAL, as_of=AS_OF, stage="renewal").next_due is None
