"""The readiness engine's result for the portfolio's scheme: the same facts, rules and `evaluate` as the
"Am I ready?" page (`accreditation.selectors.evaluate_schemes`), so the PDF cannot disagree with it."""

from typing import TYPE_CHECKING

from accreditation.engine import ReadinessResult
from accreditation.portfolio.sections.common import iso, json_value
from accreditation.presenters import short_value
from accreditation.selectors import evaluate_schemes

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def _stage(label: str, result: ReadinessResult) -> dict:
    criteria = [
        {
            "code": c.code,
            "description": c.description,
            "met": c.met,
            "value": json_value(c.value),
            "target": json_value(c.target),
            "unit": c.unit,
            "shown": short_value(c),
            "gap": c.gap,
        }
        for c in result.criteria
    ]
    return {
        "label": label,
        "stage": result.stage,
        "ready": result.ready,
        "met": sum(1 for c in result.criteria if c.met),
        "total": len(result.criteria),
        "next_due": iso(result.next_due),
        "criteria": criteria,
    }


def readiness_section(source: "PortfolioSource") -> dict:
    facts = source.facts
    found = evaluate_schemes(facts, [source.choice.scheme], source.as_of)
    stages = []
    if found:
        readiness = found[0]
        stages.append(_stage("First application" if readiness.renewal else "", readiness.result))
        if readiness.renewal is not None:
            stages.append(_stage("Renewal", readiness.renewal))
    return {
        "key": "readiness",
        "title": "Readiness summary",
        "scheme": source.scheme["name"],
        "body": source.scheme["body"],
        "version": source.scheme["version"],
        "in_force": source.scheme["in_force"],
        "as_of": source.as_of.isoformat(),
        "ready": bool(stages) and stages[0]["ready"],
        "stages": stages,
    }
