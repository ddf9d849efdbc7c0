"""The career eligibility engine: one pure function from (post history, rule set, date) to a result.

The result has the accreditation engine's shape (per criterion: met, value, target, gap, evidence) plus the
date the person became, or on their current posts will become, eligible. Rule sets are data
(`fixtures/workforce.json`); the kinds of criterion below are code. Nothing here touches the database.

Two published readings of high-intensity eligibility sit side by side as two rule sets using the same kind,
`months_in_roles`, with different parameters:
- "two years in a psychological role" (the guide): any psychological post counts, time adds up across
  career breaks;
- "two years' continuous employment as a PWP" (NHS entry pages): only PWP posts, and a gap longer than
  `max_gap_days` starts the count again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from accreditation.engine import CriterionResult

DAYS_PER_MONTH = 365.25 / 12
# Open-ended posts are projected this far ahead to find the date someone will become eligible.
PROJECTION_DAYS = 366 * 5


class RuleError(ValueError):
    """A rule in the data names an unknown kind or has parameters the kind cannot use."""


@dataclass(frozen=True)
class PostFact:
    id: int
    kind: str
    band: int
    wte: float
    starts_on: date
    ends_on: date | None
    service: str = ""


@dataclass(frozen=True)
class TrainingFact:
    id: int
    completed_on: date
    accredited_provider: bool
    verified: bool


@dataclass(frozen=True)
class PractitionerFacts:
    posts: tuple[PostFact, ...] = ()
    supervisor_training: tuple[TrainingFact, ...] = ()


@dataclass(frozen=True)
class CriterionRule:
    code: str
    kind: str
    description: str
    target: float | None = None
    parameters: Mapping = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: str
    purpose: str
    name: str
    source: str
    effective_from: date
    effective_to: date | None
    criteria: tuple[CriterionRule, ...]

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class EligibilityResult:
    code: str
    version: str
    name: str
    source: str
    as_of: date
    in_force: bool
    met: bool
    # When every criterion was (or, on the current open-ended posts, will be) met; None if it cannot be said.
    eligible_on: date | None
    criteria: tuple[CriterionResult, ...]
    reached_on: tuple[date | None, ...] = ()
    purpose: str = ""

    @property
    def projected(self) -> bool:
        return self.eligible_on is not None and self.eligible_on > self.as_of


@dataclass(frozen=True)
class _Outcome:
    met: bool
    value: float | date | None
    gap: str
    evidence: tuple[tuple[str, int], ...]
    reached_on: date | None


# --- kinds ------------------------------------------------------------------------------------------------


def _months(days: float) -> float:
    return round(days / DAYS_PER_MONTH, 1)


def _accrual(posts: list[PostFact], *, pro_rata: bool, until: date) -> list[tuple[date, float]]:
    """Each day from the first qualifying post to `until` with the time it counts for (0 outside a post)."""
    if not posts:
        return []
    start = min(p.starts_on for p in posts)
    days = []
    day = start
    while day <= until:
        covering = [p for p in posts if p.starts_on <= day and (p.ends_on is None or day <= p.ends_on)]
        if not covering:
            weight = 0.0
        elif pro_rata:
            weight = min(1.0, sum(p.wte for p in covering))
        else:
            weight = 1.0
        days.append((day, weight))
        day += timedelta(days=1)
    return days


def months_in_roles(facts: PractitionerFacts, params: Mapping, target: float | None, as_of: date) -> _Outcome:
    """Time in posts of the given kinds and bands, added up (or counted in one continuous run)."""
    kinds = set(params.get("post_kinds", ["pwp"]))
    min_band = int(params.get("min_band", 4))
    continuous = bool(params.get("continuous", False))
    max_gap = int(params.get("max_gap_days", 0))
    pro_rata = bool(params.get("pro_rata_wte", False))
    posts = [p for p in facts.posts if p.kind in kinds and p.band >= min_band]
    target_days = (target or 0) * DAYS_PER_MONTH
    evidence = tuple(("post", p.id) for p in posts if p.starts_on <= as_of)
    timeline = _accrual(posts, pro_rata=pro_rata, until=as_of + timedelta(days=PROJECTION_DAYS))
    total = run = best = 0.0
    gap = 0
    reached_on = None
    value_days = 0.0
    for day, weight in timeline:
        if weight:
            if continuous and gap > max_gap:
                run = 0.0
            gap = 0
            total += weight
            run += weight
            best = max(best, run)
        else:
            gap += 1
        accrued = best if continuous else total
        if day <= as_of:
            value_days = accrued
        if reached_on is None and target_days and accrued >= target_days - 1e-9:
            reached_on = day
    met = reached_on is not None and reached_on <= as_of
    value = _months(value_days)
    if met:
        gap_text = ""
    elif reached_on is not None:
        left = _months(target_days - value_days)
        gap_text = f"{left:g} months to go: reached on {reached_on:%d %B %Y} in current posts"
    else:
        gap_text = f"{_months(target_days - value_days):g} months to go, and no current post that counts"
    return _Outcome(met, value, gap_text, evidence, reached_on)


def supervisor_training(
    facts: PractitionerFacts, params: Mapping, target: float | None, as_of: date
) -> _Outcome:
    """Low-intensity supervisor training from an IAPT-accredited provider, verified by the programme."""
    need_verified = bool(params.get("verified", True))
    counting = sorted(
        (
            t
            for t in facts.supervisor_training
            if t.completed_on <= as_of and t.accredited_provider and (t.verified or not need_verified)
        ),
        key=lambda t: t.completed_on,
    )
    if counting:
        return _Outcome(
            True,
            counting[0].completed_on,
            "",
            tuple(("training", t.id) for t in counting),
            counting[0].completed_on,
        )
    return _Outcome(False, None, "No verified supervisor training from an accredited provider", (), None)


@dataclass(frozen=True)
class Kind:
    check: Callable[[PractitionerFacts, Mapping, float | None, date], _Outcome]
    unit: str
    parameters: frozenset[str]
    needs_target: bool


KINDS: dict[str, Kind] = {
    "months_in_roles": Kind(
        months_in_roles,
        "months",
        frozenset({"post_kinds", "min_band", "continuous", "max_gap_days", "pro_rata_wte"}),
        True,
    ),
    "supervisor_training": Kind(supervisor_training, "date", frozenset({"verified"}), False),
}


def validate_rule(kind: str, parameters: Mapping, target: float | None) -> None:
    spec = KINDS.get(kind)
    if spec is None:
        raise RuleError(f"unknown kind {kind!r}")
    unknown = set(parameters) - spec.parameters
    if unknown:
        raise RuleError(f"kind {kind!r} has no parameters {sorted(unknown)}")
    if spec.needs_target and (target is None or target <= 0):
        raise RuleError(f"kind {kind!r} needs a positive target")


# --- the engine -------------------------------------------------------------------------------------------


def evaluate(facts: PractitionerFacts, rules: RuleSet, *, as_of: date) -> EligibilityResult:
    results, reached = [], []
    for rule in sorted(rules.criteria, key=lambda c: (c.order, c.code)):
        validate_rule(rule.kind, rule.parameters, rule.target)
        spec = KINDS[rule.kind]
        outcome = spec.check(facts, rule.parameters, rule.target, as_of)
        target = rule.target
        if isinstance(target, float) and target.is_integer():
            target = int(target)
        results.append(
            CriterionResult(
                code=rule.code,
                kind=rule.kind,
                description=rule.description,
                met=outcome.met,
                value=outcome.value,
                target=target,
                unit=spec.unit,
                gap="" if outcome.met else outcome.gap,
                evidence=outcome.evidence,
                order=rule.order,
            )
        )
        reached.append(outcome.reached_on)
    met = bool(results) and all(c.met for c in results)
    eligible_on = max(reached) if reached and all(d is not None for d in reached) else None
    return EligibilityResult(
        code=rules.code,
        version=rules.version,
        name=rules.name,
        source=rules.source,
        as_of=as_of,
        in_force=rules.in_force(as_of),
        met=met,
        eligible_on=eligible_on,
        criteria=tuple(results),
        reached_on=tuple(reached),
        purpose=rules.purpose,
    )
