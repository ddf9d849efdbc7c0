"""The readiness engine: one pure function from (facts, scheme version, as-of date) to a result.

A scheme version is a list of criteria, each naming a *kind* from the registry in
`accreditation.criteria`, its parameters and its target. Each kind is a plain function of the trainee's
facts: it answers met or not, the value, the target, the gap in words and the evidence records. Adding a
scheme or a version is data (fixtures or the admin); adding a *kind* is code.

Nothing here touches the database: pages, the JSON command, the export and the PDF all call `evaluate`
with facts gathered once (`accreditation.facts`) and rules loaded once (`SchemeVersion.as_rules()`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from accreditation.criteria import KINDS, RuleError, validate_rule
from accreditation.facts import TraineeFacts
from core.dates import add_months
from core.wording import number

__all__ = [
    "KINDS",
    "CriterionResult",
    "CriterionRule",
    "ReadinessResult",
    "RuleError",
    "SchemeRules",
    "Stage",
    "evaluate",
    "number",
    "validate_rule",
]


class Stage(StrEnum):
    INITIAL = "initial"
    RENEWAL = "renewal"

    @property
    def words(self) -> str:
        """As pages and the status summary say it."""
        return "first application" if self is Stage.INITIAL else "renewal"


# --- rules (what the database holds, as plain values) ---------------------------------------------


@dataclass(frozen=True)
class CriterionRule:
    code: str
    kind: str
    description: str
    target: float | None = None
    parameters: Mapping = field(default_factory=dict)
    order: int = 0
    stage: str = Stage.INITIAL


@dataclass(frozen=True)
class SchemeRules:
    scheme_code: str
    scheme_name: str
    version: str
    effective_from: date
    effective_to: date | None
    criteria: tuple[CriterionRule, ...]
    renewal_months: int | None = None

    def criteria_for(self, stage: str) -> tuple[CriterionRule, ...]:
        return tuple(sorted((c for c in self.criteria if c.stage == stage), key=lambda c: (c.order, c.code)))

    def has_stage(self, stage: str) -> bool:
        return any(c.stage == stage for c in self.criteria)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    code: str
    kind: str
    description: str
    met: bool
    value: float | int | date | None
    target: float | int | date | None
    unit: str
    gap: str  # empty when met
    evidence: tuple[tuple[str, int], ...] = ()
    order: int = 0
    tackle: int = 2  # 1 = builds up over time (start now), 2 = work to finish, 3 = paperwork at the end


@dataclass(frozen=True)
class ReadinessResult:
    scheme_code: str
    scheme_name: str
    version: str
    stage: str
    as_of: date
    in_force: bool
    ready: bool
    criteria: tuple[CriterionResult, ...]  # in the scheme's order (stable columns for tables and exports)
    next_due: date | None = None  # renewal stage: the next renewal date

    @property
    def unmet(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.met)

    def in_order_to_tackle(self) -> tuple[CriterionResult, ...]:
        """What is left first, long-running things before paperwork; then what is already met."""
        left = sorted(self.unmet, key=lambda c: (c.tackle, c.order))
        return (*left, *(c for c in self.criteria if c.met))

    def criterion(self, code: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.code == code), None)


# --- the engine -------------------------------------------------------------------------------------


def next_due(facts: TraineeFacts, rules: SchemeRules, as_of: date) -> date | None:
    """Renewal schemes: the next anniversary (every `renewal_months`) of qualifying, on or after as_of.

    The tracker does not record registration dates; it takes the date training was completed as the
    start of the cycle, which is when a graduate first applies.
    """
    if not rules.renewal_months or not facts.is_qualified or facts.completed_on is None:
        return None
    cycles = 1
    due = add_months(facts.completed_on, rules.renewal_months)
    while due < as_of:
        cycles += 1
        due = add_months(facts.completed_on, rules.renewal_months * cycles)
    return due


def evaluate_criterion(facts: TraineeFacts, rule: CriterionRule, *, as_of: date) -> CriterionResult:
    spec = KINDS[rule.kind]
    params = validate_rule(rule.kind, rule.parameters, rule.target)
    outcome = spec.check(facts, params, rule.target, as_of)
    target = outcome.target if outcome.target is not None else rule.target
    if isinstance(target, float) and target.is_integer():
        target = int(target)
    return CriterionResult(
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
        tackle=spec.tackle,
    )


def evaluate(
    facts: TraineeFacts, scheme_version, *, as_of: date, stage: str = Stage.INITIAL
) -> ReadinessResult:
    """Check one person against one scheme version (its initial or its renewal criteria) on `as_of`.

    `scheme_version` is a `SchemeRules`, or a `SchemeVersion` whose criteria were prefetched.
    """
    rules = scheme_version.as_rules() if hasattr(scheme_version, "as_rules") else scheme_version
    criteria = tuple(evaluate_criterion(facts, rule, as_of=as_of) for rule in rules.criteria_for(stage))
    return ReadinessResult(
        scheme_code=rules.scheme_code,
        scheme_name=rules.scheme_name,
        version=rules.version,
        stage=str(stage),
        as_of=as_of,
        in_force=rules.in_force(as_of),
        ready=bool(criteria) and all(c.met for c in criteria),
        criteria=criteria,
        next_due=next_due(facts, rules, as_of) if stage == Stage.RENEWAL else None,
    )
