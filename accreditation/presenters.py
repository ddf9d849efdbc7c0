"""Small, query-free helpers that turn engine results into what a page shows (links, short cells)."""

from django.urls import reverse

from accreditation.engine import CriterionResult
from core.dates import long_date
from core.wording import hours as in_hours
from core.wording import number, plural


def evidence_name(kind: str, ident: int, facts) -> str:
    """What an evidence record is, named from the trainee's facts: the competence signed off, the report and
    when it was signed, the CPD activity and its date. Never a database id."""
    if kind == "sign_off":
        competence = next((c for c in facts.competences if c.sign_off_id == ident), None)
        if competence is not None:
            when = f", {long_date(competence.signed_at.date())}" if competence.signed_at else ""
            return f"Sign-off of {competence.name}{when}"
        return "A competence sign-off"
    if kind == "supervision_report":
        report = next((r for r in facts.supervisor_reports if r.id == ident), None)
        if report is not None:
            title = "Final supervisor's report" if report.kind == "final" else "Interim supervisor's report"
            return f"{title}, signed {long_date(report.signed_at.date())}" if report.signed_at else title
        return "A supervisor's report"
    if kind == "cpd":
        activity = next((a for a in facts.cpd if a.id == ident), None)
        if activity is not None:
            return f"{activity.title} ({long_date(activity.date)})"
        return "A CPD activity"
    return "A record"


def evidence_links(criterion: CriterionResult, facts) -> list[dict]:
    """Each evidence record as its name and, where this product has a page for it, a link."""
    links = []
    for kind, ident in criterion.evidence:
        url = None
        if kind == "cpd":
            url = reverse("trainees:cpd", args=[facts.enrolment_id]) + f"#cpd-{ident}"
        elif kind == "sign_off":
            url = reverse("assessments:trainee", args=[facts.enrolment_id])
        elif kind == "supervision_report":
            url = reverse("trainees:supervisor_report", args=[ident])
        links.append({"label": evidence_name(kind, ident, facts), "url": url})
    return links


def short_value(criterion: CriterionResult) -> str:
    """“32 of 80 hours”, “5 of 9 competences”, “signed 1 March 2027”, or “–”."""
    value, target, unit = criterion.value, criterion.target, criterion.unit
    if isinstance(value, int | float) and not isinstance(value, bool):
        if unit == "hours":
            return (
                f"{in_hours(value)} of {in_hours(target)}"
                if isinstance(target, int | float)
                else in_hours(value)
            )
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


SHORT_UNITS = {"days": "day", "hours": "hour", "months": "month"}


def short_status(criterion: CriterionResult) -> str:
    """A matrix cell in two or three words: “Met”, “4 days short”, “2 to pass”, “3 unsigned” or “Not met”."""
    if criterion.met:
        return "Met"
    value, target, unit = criterion.value, criterion.target, criterion.unit
    numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (value, target))
    if not numeric or criterion.kind == "supervision_frequency" or target <= value:
        return "Not met"
    short = target - value
    if unit in SHORT_UNITS:
        return f"{plural(round(short, 1), SHORT_UNITS[unit])} short"
    if unit == "assessments":
        return f"{number(short)} to pass"
    if unit == "competences":
        return f"{number(short)} unsigned"
    return "Not met"
