"""Constructed `TraineeFacts` for engine, document, export and page tests (no other area's code needed).

`ready_facts()` is a practitioner who meets every criterion of every scheme on AS_OF; tests change one
thing at a time with `dataclasses.replace` through the small helpers here.
"""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings

from accreditation.contracts import (
    CaseloadFigures,
    CompetenceStatus,
    ComponentResult,
    CpdActivityInfo,
    ModuleDays,
    SupervisionSummary,
    SupervisorReportInfo,
    TrainingDaysProgress,
)
from accreditation.engine import CriterionRule, SchemeRules
from accreditation.facts import TraineeFacts, months_in_service

AS_OF = date(2027, 3, 15)
START = date(2026, 1, 5)

COMPETENCES = [
    ("assessment", "Patient-centred assessment and engagement", "assessment", 1),
    ("behavioural-activation", "Behavioural activation", "intervention", 2),
    ("exposure-therapy", "Exposure therapy", "intervention", 2),
    ("cognitive-restructuring", "Cognitive restructuring", "intervention", 2),
    ("medication-support", "Medication support", "intervention", 2),
    ("problem-solving", "Problem solving", "intervention", 2),
    ("panic-management", "Panic management", "intervention", 2),
    ("sleep-hygiene", "Sleep hygiene", "intervention", 2),
    ("values", "Working within an inclusive, recovery-oriented values base", "values", 3),
]


def at(day: date, hour=12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def training_days(
    *,
    uni=(7, 8, 10),
    work=(5, 5, 10),
    required_uni=(7, 8, 10),
    required_work=(5, 5, 10),
    within_window=True,
    window_end=date(2027, 1, 5),
    can_still_fit=True,
    as_of=AS_OF,
):
    modules = tuple(
        ModuleDays(n + 1, f"Module {n + 1}", required_uni[n], uni[n], required_work[n], work[n])
        for n in range(len(required_uni))
    )
    complete = all(m.university_completed >= m.university_required for m in modules) and all(
        m.workplace_completed >= m.workplace_required for m in modules
    )
    return TrainingDaysProgress(
        as_of=as_of,
        university_required=sum(required_uni),
        university_completed=sum(uni),
        workplace_required=sum(required_work),
        workplace_completed=sum(work),
        modules=modules,
        window_end=window_end,
        can_still_fit=can_still_fit,
        complete=complete,
        completed_within_window=complete and within_window,
        status="complete" if complete else "on_track",
        reason="",
    )


def competences(unsigned=(), modules=None):
    result = []
    for n, (code, name, kind, module) in enumerate(COMPETENCES, start=1):
        if modules and module not in modules:
            continue
        signed = code not in unsigned
        result.append(
            CompetenceStatus(
                code=code,
                name=name,
                kind=kind,
                module_number=module,
                status="signed" if signed else "submitted",
                attempts_used=1,
                attempts_allowed=2,
                signed_by="Elaine Hughes" if signed else None,
                signed_by_role="educator" if signed else None,
                signed_at=at(date(2026, 6, n)) if signed else None,
                sign_off_id=100 + n if signed else None,
            )
        )
    return tuple(result)


def module_results(failed=(), modules=(1, 2, 3)):
    return tuple(
        ComponentResult(
            m,
            f"m{m}-{part}",
            f"{label}",
            passed=(m, part) not in failed,
            outcome="failed" if (m, part) in failed else "passed",
        )
        for m in modules
        for part, label in (("osce", "clinical competence assessment"), ("essay", "written assignment"))
    )


def summary(
    *,
    cm=30.0,
    cs=30.0,
    cm_cred=None,
    cs_cred=None,
    missed=(),
    shortfall=0.0,
    live=3,
    interventions=("behavioural-activation", "exposure-therapy"),
    start=START,
    end=AS_OF,
):
    return SupervisionSummary(
        start=start,
        end=end,
        hours={"case_management": cm, "clinical_skills": cs, "management": 4.0},
        credentialed_hours={
            "case_management": cm if cm_cred is None else cm_cred,
            "clinical_skills": cs if cs_cred is None else cs_cred,
            "management": 4.0,
        },
        missed_weeks=tuple(missed),
        clinical_skills_shortfall_hours=shortfall,
        overdue_case_reviews=(),
        live_assessments=live,
        live_assessment_interventions=tuple(interventions),
        status="compliant" if not missed and not shortfall else "gaps",
        reason="",
    )


def reports(final_on=date(2027, 3, 1), interim_on=date(2026, 6, 1)):
    result = []
    if interim_on:
        result.append(SupervisorReportInfo(7, "interim", True, at(interim_on), "Sam Fletcher"))
    if final_on:
        result.append(SupervisorReportInfo(8, "final", True, at(final_on), "Sam Fletcher"))
    return tuple(result)


def caseload(*, contact_hours=120.0, first_contact=date(2026, 3, 2), step2=6.0, as_of=AS_OF):
    return CaseloadFigures(
        as_of=as_of,
        profile="guide-default",
        profile_name="The guide's ramp",
        expected_patients_to_date=179.0,
        actual_patients_to_date=181,
        expected_active_caseload=20.0,
        actual_active_caseload=22,
        expected_year_total=179.0,
        contact_hours=contact_hours,
        first_contact_on=first_contact,
        step2_hours_per_week=step2,
        patients_last_12_months=190,
        status="on_track",
        reason="",
    )


def cpd(n=5, *, cbt=True, reflection=True, confirmed=True, hours=2.0, first_id=500, on=date(2027, 2, 1)):
    return tuple(
        CpdActivityInfo(
            first_id + i,
            on - timedelta(days=7 * i),
            f"CPD activity {i + 1}",
            hours,
            cbt,
            reflection,
            confirmed,
        )
        for i in range(n)
    )


def ready_facts(**changes) -> TraineeFacts:
    facts = TraineeFacts(
        enrolment_id=1,
        username="trainee.done",
        name="Dana Okafor",
        programme="PGCert Psychological Wellbeing Practice (Northvale)",
        cohort="nv-cohort-1",
        cohort_name="Northvale PWP September 2025",
        route_code="standard",
        route_name="Standard PWP training (45 days)",
        programme_accredited=True,
        start_date=START,
        status="completed",
        completed_on=date(2026, 12, 20),
        interruptions=(),
        months_in_service=months_in_service(START, AS_OF),
        is_qualified=True,
        as_of=AS_OF,
        training_days=training_days(),
        competences=competences(),
        module_results=module_results(),
        supervision=summary(),
        supervision_last_year=summary(start=AS_OF - timedelta(days=364)),
        supervisor_reports=reports(),
        caseload=caseload(),
        cpd=cpd(8),
    )
    return replace(facts, **changes)


def fixture_rules(code: str, version: str | None = None) -> SchemeRules:
    """A scheme version straight from fixtures/schemes.json (the same data the loader saves)."""
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "schemes.json").read_text())
    scheme = next(s for s in data["schemes"] if s["code"] == code)
    row = (
        scheme["versions"][0]
        if version is None
        else next(v for v in scheme["versions"] if v["version"] == version)
    )
    return SchemeRules(
        scheme_code=code,
        scheme_name=scheme["name"],
        version=row["version"],
        effective_from=date.fromisoformat(row["effective_from"]),
        effective_to=date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
        renewal_months=row["renewal_months"],
        criteria=tuple(
            CriterionRule(
                code=c["code"],
                kind=c["kind"],
                description=c["description"],
                target=c["target"],
                parameters=c["parameters"],
                order=c["order"],
                stage=c["stage"],
            )
            for c in row["criteria"]
        ),
    )


def constructed_gather(overrides: dict | None = None):
    """A stand-in for `accreditation.facts.gather_facts_for` that keeps the other areas' data fixed.

    The enrolment basics and the CPD log are real (read from the database through this area's own code);
    what the other areas record is constructed: everything met (`ready_facts`), changed per username by
    `overrides` ({"trainee.mid": {"caseload": caseload(contact_hours=10)}, ...}).
    """
    from accreditation.facts import CPD_HISTORY, basics
    from trainees.cpd.selectors import cpd_activities_for

    overrides = overrides if overrides is not None else {}

    def gather(enrolments, *, as_of, released_only=False):  # constructed facts hold no marks to hide
        enrolments = list(enrolments)
        cpd_log = cpd_activities_for(enrolments, start=as_of - CPD_HISTORY, end=as_of)
        found = {}
        for enrolment in enrolments:
            facts = replace(
                ready_facts(),
                **basics(enrolment, as_of=as_of),
                cpd=tuple(cpd_log[enrolment.pk]),
                supervisor_reports=reports(
                    final_on=as_of - timedelta(days=14), interim_on=as_of - timedelta(days=150)
                ),
            )
            found[enrolment.pk] = replace(facts, **overrides.get(enrolment.user.username, {}))
        return found

    return gather
