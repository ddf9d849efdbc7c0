"""Caseload against the quota: `caseload_figures` (through the readiness facts), the caseload page's monthly
series (`caseload_year`) and its chart geometry (`trainees.caseload.chart`), and the practice figures
(`practice_figures`). The chart is the page's inline SVG, which WeasyPrint draws itself: no image fetched."""

from dataclasses import asdict
from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import hours, iso, plain
from trainees.caseload.chart import caseload_chart
from trainees.caseload.selectors import STATUS_LABELS, caseload_year, practice_figures

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def caseload_section(source: "PortfolioSource") -> dict:
    enrolment, as_of = source.enrolment, source.as_of
    figures = source.facts.caseload
    year = caseload_year(enrolment, on=as_of)
    practice = practice_figures(enrolment, on=as_of, figures=figures)
    ramp = year.ramp
    return {
        "key": "caseload",
        "title": "Caseload against the quota",
        "as_of": iso(as_of),
        "status": figures.status,
        "status_label": STATUS_LABELS.get(figures.status, figures.status),
        "reason": figures.reason,
        "finished": year.finished,
        "ramp": {
            "name": ramp.name,
            "annual_caseload": ramp.annual_caseload,
            "none_months": ramp.none_months,
            "training_months": ramp.training_months,
        },
        "expected_patients_to_date": hours(figures.expected_patients_to_date),
        "actual_patients_to_date": figures.actual_patients_to_date,
        "expected_active_caseload": hours(figures.expected_active_caseload),
        "actual_active_caseload": figures.actual_active_caseload,
        "expected_year_total": hours(figures.expected_year_total),
        "contact_hours": hours(figures.contact_hours),
        "contact_hours_target": practice.contact_hours_target,
        "contacts": practice.contacts,
        "first_contact_on": iso(figures.first_contact_on),
        "qualified": practice.is_qualified,
        "patients_last_12_months": figures.patients_last_12_months,
        "step2_hours_per_week": hours(figures.step2_hours_per_week),
        "months": [
            {
                "month": m.month,
                "ends_on": iso(m.ends_on),
                "expected_to_date": m.expected_to_date,
                "actual_to_date": m.actual_to_date,
                "difference": "" if m.actual_to_date is None or m.is_current else m.difference_label,
                "paused_days": m.paused_days,
                "is_current": m.is_current,
            }
            for m in year.months
        ],
        "chart": plain(asdict(caseload_chart(year, who=enrolment.user.display_name))),
    }


def upgrade_section(section: dict) -> dict:
    """A caseload section frozen when the chart's markers were {"x", "y"} objects, with [x, y] pairs as the
    shared chart template draws them, so an old snapshot still reads properly on the web."""
    chart = section.get("chart") or {}
    markers = chart.get("actual_markers") or []
    if not any(isinstance(marker, dict) for marker in markers):
        return section
    pairs = [[m["x"], m["y"]] if isinstance(m, dict) else m for m in markers]
    return {**section, "chart": {**chart, "actual_markers": pairs}}
