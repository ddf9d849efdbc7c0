"""The registry of criterion kinds: what a scheme's criterion can ask for, as plain functions.

Each kind is a function of a trainee's facts, its parameters, its target and the as-of date, returning met
or not, the value, the gap in words and the evidence records. A scheme (data) names a kind by its code; a
new kind is code, registered here with the parameters it accepts so that the admin and the loader can
check a criterion before it is saved.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from accreditation.facts import TraineeFacts, months_in_service
from core.dates import add_months, long_date
from core.wording import hours as in_hours
from core.wording import listing, plural

# --- the registry of criterion kinds ----------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: type | tuple  # int, bool, str, or (list, int) / (list, str)
    default: object = None
    required: bool = False
    choices: tuple = ()
    help: str = ""


@dataclass(frozen=True)
class Outcome:
    met: bool
    value: float | int | date | None
    gap: str = ""
    evidence: tuple[tuple[str, int], ...] = ()
    target: float | int | date | None = None  # for kinds whose target comes from the facts


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    check: Callable[[TraineeFacts, dict, float | None, date], Outcome]
    params: tuple[Param, ...] = ()
    unit: str = ""
    needs_target: bool = True
    tackle: int = 2


KINDS: dict[str, Kind] = {}


# Not mutated: the registry is filled when the module is imported, before mutmut switches a mutant on, so no
# test could see a changed line here (and a broken registry fails every criterion test).
# pragma: no mutate start
def kind(code: str, label: str, *, params=(), unit="", needs_target=True, tackle=2):
    def register(check):
        KINDS[code] = Kind(code, label, check, tuple(params), unit, needs_target, tackle)
        return check

    return register


# pragma: no mutate end


class RuleError(ValueError):
    """A criterion's kind or parameters are not ones the engine knows (shown to administrators)."""


def _type_ok(value, expected) -> bool:
    if isinstance(expected, tuple):
        container, item = expected
        return isinstance(value, container) and all(_type_ok(v, item) for v in value)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def validate_rule(kind_code: str, parameters, target) -> dict:
    """Check a criterion's kind, parameters and target; return the parameters with defaults filled in."""
    if kind_code not in KINDS:
        raise RuleError(
            f"“{kind_code}” is not a known kind of criterion. Known kinds: {', '.join(sorted(KINDS))}."
        )
    spec = KINDS[kind_code]
    if not isinstance(parameters, Mapping):
        raise RuleError('Parameters must be a JSON object, for example {} or {"kind": "case_management"}.')
    known = {p.name: p for p in spec.params}
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        allowed = ", ".join(known) or "none"
        raise RuleError(f"Unknown parameter {', '.join(unknown)} for “{kind_code}” (allowed: {allowed}).")
    resolved = {}
    for name, param in known.items():
        if name not in parameters or parameters[name] is None:
            if param.required:
                raise RuleError(f"“{kind_code}” needs the parameter “{name}”. {param.help}".strip())
            resolved[name] = param.default
            continue
        value = parameters[name]
        if not _type_ok(value, param.type):
            raise RuleError(
                f"The parameter “{name}” of “{kind_code}” has the wrong type. {param.help}".strip()
            )
        values = value if isinstance(value, list) else [value]
        if param.choices and any(v not in param.choices for v in values):
            raise RuleError(f"The parameter “{name}” must be one of: {', '.join(map(str, param.choices))}.")
        resolved[name] = value
    if spec.needs_target and (target is None or target < 0):
        raise RuleError(f"“{kind_code}” needs a target of zero or more.")
    return resolved


# --- wording helpers --------------------------------------------------------------------------------


def local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
        return moment.date()
    return moment


SUPERVISION_WORDS = {
    "case_management": "case-management supervision",
    "clinical_skills": "clinical-skills supervision",
    "management": "management supervision",
}


def _year_start(as_of: date) -> date:
    return as_of - timedelta(days=364)


# --- the kinds --------------------------------------------------------------------------------------


@kind(
    "training_days_complete",
    "The route's training days are complete (inside the window)",
    params=[
        Param("modules", (list, int), help="Module numbers to count; all the route's modules if left out."),
        Param("within_window", bool, default=True),
    ],
    unit="days",
    needs_target=False,
    tackle=1,
)
def _training_days(facts, p, target, as_of):
    days = facts.training_days
    if p["modules"]:
        chosen = [m for m in days.modules if m.module_number in p["modules"]]
        uni_req = sum(m.university_required for m in chosen)
        work_req = sum(m.workplace_required for m in chosen)
        uni_left = sum(max(m.university_required - m.university_completed, 0) for m in chosen)
        work_left = sum(max(m.workplace_required - m.workplace_completed, 0) for m in chosen)
    else:
        uni_req, work_req = days.university_required, days.workplace_required
        uni_left = max(uni_req - days.university_completed, 0)
        work_left = max(work_req - days.workplace_completed, 0)
    required = uni_req + work_req
    done = required - uni_left - work_left
    complete = required > 0 and uni_left == 0 and work_left == 0
    in_window = days.completed_within_window if days.complete else as_of <= days.window_end
    if complete and (in_window or not p["within_window"]):
        return Outcome(True, done, target=required)
    if complete:
        gap = f"The days were completed after the window ended on {long_date(days.window_end)}"
        return Outcome(False, done, gap, target=required)
    parts = []
    if uni_left:
        parts.append(f"{plural(uni_left, 'more university day')}")
    if work_left:
        parts.append(f"{plural(work_left, 'more workplace day')}")
    gap = listing(parts) or "No training days are required by the route"
    if p["within_window"]:
        if as_of > days.window_end:
            gap += f"; the window ended on {long_date(days.window_end)}"
        elif not days.can_still_fit:
            gap += f"; they no longer fit before the window ends on {long_date(days.window_end)}"
        else:
            gap += f" by {long_date(days.window_end)}"
    return Outcome(False, done, gap, target=required)


@kind(
    "module_assessments_passed",
    "Every module assessment is passed",
    params=[Param("modules", (list, int), help="Module numbers; every module if left out.")],
    unit="assessments",
    needs_target=False,
)
def _module_assessments(facts, p, target, as_of):
    results = [r for r in facts.module_results if not p["modules"] or r.module_number in p["modules"]]
    passed = [r for r in results if r.passed]
    if not results:
        return Outcome(False, 0, "No module assessment results are recorded yet", target=0)
    if len(passed) == len(results):
        return Outcome(True, len(passed), target=len(results))
    left = [
        f"module {r.module_number} {r.name} ({r.outcome.replace('_', ' ')})" for r in results if not r.passed
    ]
    gap = f"Pass {plural(len(left), 'more module assessment')}: {listing(left)}"
    return Outcome(False, len(passed), gap, target=len(results))


@kind(
    "competences_signed",
    "Competences are signed off",
    params=[
        Param(
            "kinds", (list, str), choices=("intervention", "assessment", "values"), help="Competence kinds."
        ),
        Param("modules", (list, int), help="Module numbers; every module if left out."),
    ],
    unit="competences",
    needs_target=False,
)
def _competences(facts, p, target, as_of):
    chosen = [
        c
        for c in facts.competences
        if (not p["kinds"] or c.kind in p["kinds"]) and (not p["modules"] or c.module_number in p["modules"])
    ]
    signed = [c for c in chosen if c.status == "signed"]
    evidence = tuple(("sign_off", c.sign_off_id) for c in signed if c.sign_off_id is not None)
    if not chosen:
        return Outcome(False, 0, "No competences are recorded yet", target=0)
    if len(signed) == len(chosen):
        return Outcome(True, len(signed), evidence=evidence, target=len(chosen))
    left = [c.name for c in chosen if c.status != "signed"]
    noun = "competence" if len(left) == 1 else "competences"
    gap = f"{len(left)} {noun} still to be signed off: {listing(left)}"
    return Outcome(False, len(signed), gap, evidence, target=len(chosen))


@kind(
    "training_completed",
    "PWP training is completed",
    params=[
        Param("routes", (list, str), required=True, help='Route codes that count, for example ["standard"].'),
        Param("accredited_programme", bool, default=False),
    ],
    needs_target=False,
)
def _training_completed(facts, p, target, as_of):
    if facts.route_code not in p["routes"]:
        gap = f"Training on the {facts.route_name} does not count for this scheme"
        return Outcome(False, facts.completed_on if facts.is_qualified else None, gap)
    if p["accredited_programme"] and not facts.programme_accredited:
        return Outcome(False, None, f"{facts.programme} is not a BPS-accredited programme")
    if not facts.is_qualified:
        return Outcome(False, None, f"Complete the {facts.route_name}")
    return Outcome(True, facts.completed_on)


@kind(
    "months_in_service",
    "Months of practice in a service",
    params=[
        Param(
            "counted_from",
            str,
            default="start",
            choices=("start", "first_contact"),
            help="From the start of training, or from the first patient contact.",
        )
    ],
    unit="months",
    tackle=1,
)
def _months(facts, p, target, as_of):
    if p["counted_from"] == "first_contact":
        first = facts.caseload.first_contact_on
        if first is None:
            return Outcome(
                False,
                0,
                f"{plural(target, 'month')} in a service, counted from your first patient contact (none yet)",
            )
        value, anchor, since = (
            months_in_service(first, as_of, facts.interruptions),
            first,
            " since your first patient contact",
        )
    else:
        value, anchor, since = facts.months_in_service, facts.start_date, " since you started"
    if value >= target:
        return Outcome(True, value)
    paused = sum((b - a).days + 1 for a, b in facts.interruptions if b >= anchor)
    due = add_months(anchor, int(target)) + timedelta(days=paused)
    gap = f"{plural(target - value, 'more month')} in a service{since} (reached on {long_date(due)})"
    return Outcome(False, value, gap)


@kind("contact_hours", "Hours of direct clinical contact", unit="hours", tackle=1)
def _contact_hours(facts, p, target, as_of):
    value = round(facts.caseload.contact_hours, 2)
    if value >= target:
        return Outcome(True, value)
    return Outcome(False, value, f"{plural(target - value, 'more hour')} of direct clinical contact")


@kind(
    "step2_hours_per_week", "Hours a week of step-2 practice (last 12 weeks)", unit="hours a week", tackle=1
)
def _step2(facts, p, target, as_of):
    value = round(facts.caseload.step2_hours_per_week, 2)
    if value >= target:
        return Outcome(True, value)
    gap = f"{plural(target - value, 'more hour')} a week of step-2 practice on average over the last 12 weeks"
    return Outcome(False, value, gap)


@kind(
    "supervision_hours",
    "Confirmed supervision hours of a kind",
    params=[
        Param("kind", str, required=True, choices=tuple(SUPERVISION_WORDS)),
        Param("credentialed", bool, default=False, help="Count only supervisors credentialed on the day."),
        Param("period", str, default="training", choices=("training", "last_year")),
    ],
    unit="hours",
    tackle=1,
)
def _supervision_hours(facts, p, target, as_of):
    summary = facts.supervision if p["period"] == "training" else facts.supervision_last_year
    all_hours = float(summary.hours.get(p["kind"], 0.0))
    value = float(summary.credentialed_hours.get(p["kind"], 0.0)) if p["credentialed"] else all_hours
    value = round(value, 2)
    if value >= target:
        return Outcome(True, value)
    words = SUPERVISION_WORDS[p["kind"]]
    gap = f"{plural(target - value, 'more hour')} of {words}"
    if p["credentialed"]:
        gap += " with a credentialed supervisor"
        uncounted = round(all_hours - value, 2)
        if uncounted > 0:
            gap += (
                f" ({plural(uncounted, 'hour')} with a supervisor without low-intensity supervisor training"
                f" {'does' if uncounted == 1 else 'do'} not count)"
            )
    if p["period"] == "last_year":
        gap += " in the last 12 months"
    return Outcome(False, value, gap)


@kind(
    "supervisor_report",
    "A signed supervisor's report",
    params=[
        Param("report_kind", str, default="any", choices=("any", "interim", "final")),
        Param("max_age_months", int, help="How long before the application the report may be dated."),
    ],
    needs_target=False,
    tackle=3,
)
def _supervisor_report(facts, p, target, as_of):
    signed = sorted(
        (
            r
            for r in facts.supervisor_reports
            if r.signed
            and r.signed_at is not None
            and (p["report_kind"] == "any" or r.kind == p["report_kind"])
            and local_date(r.signed_at) <= as_of
        ),
        key=lambda r: r.signed_at,
    )
    what = "supervisor's report" if p["report_kind"] == "any" else f"{p['report_kind']} supervisor's report"
    if not signed:
        return Outcome(False, None, f"A signed {what}")
    latest = signed[-1]
    signed_on = local_date(latest.signed_at)
    evidence = (("supervision_report", latest.id),)
    if p["max_age_months"]:
        earliest = add_months(as_of, -p["max_age_months"])
        if signed_on < earliest:
            gap = (
                f"A new signed {what}: the latest is dated {long_date(signed_on)}, more than "
                f"{plural(p['max_age_months'], 'month')} before {long_date(as_of)}"
            )
            return Outcome(False, signed_on, gap, evidence, target=earliest)
        return Outcome(True, signed_on, evidence=evidence, target=earliest)
    return Outcome(True, signed_on, evidence=evidence)


_CPD_PARAMS = [
    Param("cbt_informed", bool, default=False, help="Count only CBT-informed skills development."),
    Param("confirmed_only", bool, default=True, help="Count only activities a supervisor has confirmed."),
    Param("period_months", int, default=12, help="The months up to the as-of date that count."),
]


def _cpd_in_period(facts, p, as_of, *, reflection=False):
    start = add_months(as_of, -p["period_months"])
    chosen = [
        a
        for a in facts.cpd
        if start < a.date <= as_of
        and (a.cbt_informed or not p["cbt_informed"])
        and (a.has_reflection or not reflection)
    ]
    counted = [a for a in chosen if a.confirmed or not p["confirmed_only"]]
    waiting = len(chosen) - len(counted)
    return counted, waiting


def _cpd_gap(text: str, p, waiting: int) -> str:
    text += f" in the {plural(p['period_months'], 'month')} up to now"
    if waiting:
        text += f" ({waiting} more {'is' if waiting == 1 else 'are'} waiting for a supervisor to confirm)"
    return text


@kind(
    "cpd_activities",
    "CPD activities",
    params=[*_CPD_PARAMS, Param("require_reflection", bool, default=False)],
    unit="activities",
)
def _cpd_activities(facts, p, target, as_of):
    counted, waiting = _cpd_in_period(facts, p, as_of, reflection=p["require_reflection"])
    evidence = tuple(("cpd", a.id) for a in counted)
    if len(counted) >= target:
        return Outcome(True, len(counted), evidence=evidence)
    noun = "CBT-informed CPD activity" if p["cbt_informed"] else "CPD activity"
    noun_many = noun[:-1] + "ies"
    gap = plural(target - len(counted), f"more {noun}", f"more {noun_many}")
    if p["require_reflection"]:
        gap += " with a reflective statement"
    return Outcome(False, len(counted), _cpd_gap(gap, p, waiting), evidence)


@kind("cpd_hours", "Hours of CPD", params=_CPD_PARAMS, unit="hours")
def _cpd_hours(facts, p, target, as_of):
    counted, waiting = _cpd_in_period(facts, p, as_of)
    value = round(sum(a.hours for a in counted), 2)
    evidence = tuple(("cpd", a.id) for a in counted)
    if value >= target:
        return Outcome(True, value, evidence=evidence)
    what = "CBT-informed skills development" if p["cbt_informed"] else "CPD"
    return Outcome(
        False, value, _cpd_gap(f"{plural(target - value, 'more hour')} of {what}", p, waiting), evidence
    )


@kind("cpd_reflections", "Reflective statements on CPD", params=_CPD_PARAMS, unit="statements")
def _cpd_reflections(facts, p, target, as_of):
    counted, waiting = _cpd_in_period(facts, p, as_of, reflection=True)
    evidence = tuple(("cpd", a.id) for a in counted)
    if len(counted) >= target:
        return Outcome(True, len(counted), evidence=evidence)
    noun = "CBT-informed reflective statement" if p["cbt_informed"] else "reflective statement"
    gap = plural(target - len(counted), f"more {noun}")
    return Outcome(False, len(counted), _cpd_gap(gap, p, waiting), evidence)


@kind(
    "live_assessments",
    "Live assessments in the last 12 months",
    params=[Param("distinct_interventions", int, default=0, help="Different interventions they must cover.")],
    unit="assessments",
)
def _live_assessments(facts, p, target, as_of):
    summary = facts.supervision_last_year
    count, covered = summary.live_assessments, tuple(summary.live_assessment_interventions)
    parts = []
    if count < target:
        parts.append(f"{plural(target - count, 'more live assessment')} in the last 12 months")
    if len(covered) < p["distinct_interventions"]:
        so_far = f" (so far: {listing(i.replace('-', ' ') for i in covered)})" if covered else ""
        parts.append(
            f"live assessments covering {p['distinct_interventions']} different interventions{so_far}"
        )
    if not parts:
        return Outcome(True, count)
    return Outcome(False, count, "; ".join(parts).capitalize())


@kind(
    "supervision_frequency",
    "Regular supervision over the last 12 months",
    params=[Param("kind", str, required=True, choices=("case_management", "clinical_skills"))],
    unit="",
    tackle=1,
)
def _supervision_frequency(facts, p, target, as_of):
    summary = facts.supervision_last_year
    if p["kind"] == "case_management":
        missed = tuple(w for w in summary.missed_weeks if w >= _year_start(as_of) - timedelta(days=6))
        value = len(missed)
        if value <= target:
            return Outcome(True, value)
        shown = ", ".join(f"{w.day} {w:%b %Y}" for w in missed[:4]) + (" …" if len(missed) > 4 else "")
        gap = (
            f"{plural(value, 'week')} in the last 12 months without an hour of case-management "
            f"supervision (weeks of {shown})"
        )
        return Outcome(False, value, gap)
    value = round(summary.clinical_skills_shortfall_hours, 2)
    if round(value * 60) <= round(target * 60):  # to the minute: "0 hours short" is never a gap
        return Outcome(True, value)
    gap = (
        f"{in_hours(value)} short of an hour of clinical-skills supervision a fortnight "
        "over the last 12 months"
    )
    return Outcome(False, value, gap)
