"""Small, query-free helpers that turn engine results into what a page shows (links, short cells)."""

from django.urls import reverse

from accreditation.engine import CriterionResult
from core.wording import number

EVIDENCE_LABELS = {
    "sign_off": "Sign-off",
    "supervision_report": "Supervisor's report",
    "cpd": "CPD activity",
}


def evidence_links(criterion: CriterionResult, enrolment_pk: int) -> list[dict]:
    """Each evidence record as a label and, where this product has a page for it, a link."""
    links = []
    for kind, ident in criterion.evidence:
        url = None
        if kind == "cpd":
            url = reverse("trainees:cpd", args=[enrolment_pk]) + f"#cpd-{ident}"
        elif kind == "sign_off":
            url = reverse("assessments:trainee", args=[enrolment_pk])
        elif kind == "supervision_report":
            url = reverse("trainees:supervisor_report", args=[ident])
        links.append({"label": f"{EVIDENCE_LABELS.get(kind, kind)} {ident}", "url": url})
    return links


def short_value(criterion: CriterionResult) -> str:
    """“32 of 80 hours”, “5 of 9 competences”, “signed 1 March 2027”, or “–”."""
    value, target, unit = criterion.value, criterion.target, criterion.unit
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(target, int | float):
            at_most = criterion.kind == "supervision_frequency"
            shown = (
                f"{number(value)} (at most {number(target)})"
                if at_most
                else f"{number(value)} of {number(target)}"
            )
            return f"{shown} {unit}".strip()
        return f"{number(value)} {unit}".strip()
    if value is None:
        return "–"
    return f"{value.day} {value:%B %Y}" if hasattr(value, "day") else str(value)
