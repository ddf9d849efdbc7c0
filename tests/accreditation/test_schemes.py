"""Schemes are data: loaded from fixtures, checked against the engine's kinds, versioned by date."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from accreditation.admin import CriterionForm
from accreditation.engine import RuleError, Stage, evaluate
from accreditation.models import Criterion, Scheme, SchemeVersion
from accreditation.reference import SCHEMES_FILE, load_schemes
from accreditation.selectors import get_scheme, schemes_with_rules, version_for
from accreditation.services import copy_scheme_version
from tests.accreditation import factories_readiness as fr

pytestmark = pytest.mark.django_db


def test_the_loader_loads_every_scheme_of_the_issue_and_is_idempotent(schemes):
    codes = set(Scheme.objects.values_list("code", flat=True))
    assert codes == {
        "course-completion",
        "cpd-route",
        "babcp-pwp-accreditation-2010",
        "babcp-pwp-registration",
        "bps-wpw-register",
    }
    counts = (Scheme.objects.count(), SchemeVersion.objects.count(), Criterion.objects.count())
    assert load_schemes() == {"schemes": 5, "versions": 5, "criteria": 42}
    assert (Scheme.objects.count(), SchemeVersion.objects.count(), Criterion.objects.count()) == counts
    registration = SchemeVersion.objects.get(scheme__code="babcp-pwp-registration")
    assert registration.renewal_months == 12
    assert set(registration.criteria.values_list("stage", flat=True)) == {"initial", "renewal"}


def test_rules_from_the_database_are_the_rules_in_the_fixture(schemes, django_assert_num_queries):
    with django_assert_num_queries(3):
        found = schemes_with_rules()
    with django_assert_num_queries(0):
        for scheme in found:
            rules = version_for(scheme, fr.AS_OF).as_rules()
            expected = fr.fixture_rules(scheme.code)
            assert sorted(rules.criteria, key=lambda c: (c.stage, c.code)) == sorted(
                expected.criteria, key=lambda c: (c.stage, c.code)
            )
            assert rules.renewal_months == expected.renewal_months


def test_the_loader_refuses_a_criterion_the_engine_cannot_evaluate(schemes, tmp_path):
    data = json.loads(SCHEMES_FILE.read_text())
    data["schemes"][0]["versions"][0]["criteria"][0]["kind"] = "days_done"
    data["schemes"][0]["name"] = "Renamed"
    bad = tmp_path / "schemes.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(
        RuleError, match="course-completion 2022 training-days: “days_done” is not a known kind"
    ):
        load_schemes(bad)
    assert Scheme.objects.get(code="course-completion").name != "Renamed"


def test_the_admin_form_refuses_unknown_kinds_and_bad_parameters(schemes):
    version = SchemeVersion.objects.get(scheme__code="course-completion")
    data = {"order": 9, "stage": "initial", "code": "x", "description": "x", "target": "", "parameters": "{}"}
    form = CriterionForm({**data, "kind": "hours_of_fun"}, instance=Criterion(version=version))
    assert not form.is_valid() and "kind" in form.errors
    form = CriterionForm(
        {**data, "kind": "supervision_hours", "parameters": '{"kind": "group"}', "target": "20"},
        instance=Criterion(version=version),
    )
    assert not form.is_valid() and "must be one of" in str(form.errors["parameters"])
    form = CriterionForm({**data, "kind": "contact_hours"}, instance=Criterion(version=version))
    assert not form.is_valid() and "needs a target" in str(form.errors["target"])
    form = CriterionForm(
        {**data, "kind": "contact_hours", "target": "100"}, instance=Criterion(version=version)
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError):
        Criterion(version=version, code="y", kind="contact_hours", parameters={"x": 1}, target=1).full_clean()


def test_a_new_scheme_version_added_as_data_changes_the_result_without_code(schemes, world):
    """An administrator copies the current version and raises one target: no code changes."""
    course = get_scheme("course-completion")
    old = version_for(course, date(2027, 3, 15))
    facts = fr.ready_facts(caseload=fr.caseload(contact_hours=90))
    assert evaluate(facts, old, as_of=date(2027, 3, 15)).ready

    new = copy_scheme_version(
        actor=world.users["admin"], version=old, new_version="2027", effective_from=date(2027, 1, 1)
    )
    Criterion.objects.filter(version=new, code="contact-hours").update(target=100)
    assert AuditEvent.objects.filter(action="scheme.version_added", object_id=str(new.pk)).exists()

    course = get_scheme("course-completion")
    before = version_for(course, date(2026, 12, 31))
    after = version_for(course, date(2027, 3, 15))
    assert (before.version, after.version) == ("2022", "2027")
    assert before.effective_to == date(2026, 12, 31)
    assert evaluate(facts, before, as_of=date(2027, 3, 15)).ready  # the old rules on the same day
    result = evaluate(facts, after, as_of=date(2027, 3, 15))
    assert not result.ready
    assert result.criterion("contact-hours").gap == "10 more hours of direct clinical contact"


def test_a_new_scheme_made_of_existing_kinds_needs_no_code(schemes):
    scheme = Scheme.objects.create(
        code="local-preceptorship", name="Local preceptorship", body="Service", kind="course"
    )
    version = SchemeVersion.objects.create(scheme=scheme, version="1", effective_from=date(2025, 1, 1))
    for n, (code, kind, params, target) in enumerate(
        [
            ("cbt-cpd", "cpd_hours", {"cbt_informed": True}, 30),
            ("live", "live_assessments", {"distinct_interventions": 1}, 1),
        ]
    ):
        criterion = Criterion(
            version=version, code=code, kind=kind, parameters=params, target=target, description=code, order=n
        )
        criterion.full_clean()
        criterion.save()
    found = version_for(get_scheme("local-preceptorship"), fr.AS_OF)
    result = evaluate(fr.ready_facts(), found, as_of=fr.AS_OF)
    assert [c.code for c in result.unmet] == ["cbt-cpd"]
    assert result.criterion("cbt-cpd").gap.startswith("14 more hours of CBT-informed skills development")
    assert Stage.RENEWAL not in {c.stage for c in found.as_rules().criteria}


def test_a_version_cannot_end_before_it_starts_or_repeat_a_version_label(schemes):
    from django.db import IntegrityError, transaction

    course = Scheme.objects.get(code="course-completion")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchemeVersion.objects.create(
            scheme=course, version="bad", effective_from=date(2027, 1, 1), effective_to=date(2026, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SchemeVersion.objects.create(scheme=course, version="2022", effective_from=date(2027, 1, 1))
