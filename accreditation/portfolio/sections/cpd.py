"""The CPD log: `cpd_activities` (through the readiness facts: the activities that count, from the three
years up to the portfolio's date), with each activity's reflective statement and evidence file."""

from typing import TYPE_CHECKING

from accreditation.facts import CPD_HISTORY
from accreditation.portfolio.sections.common import hours, iso
from trainees.cpd.selectors import current_activities_for
from trainees.models import CpdActivity

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def cpd_records(source: "PortfolioSource") -> dict[int, CpdActivity]:
    """The enrolment's current activities by id, with who confirmed them, from
    `trainees.cpd.selectors.current_activities_for` in one query (shared with the evidence index)."""
    enrolment = source.enrolment
    return source.once("cpd_records", lambda: current_activities_for([enrolment])[enrolment.pk])


def cpd_section(source: "PortfolioSource") -> dict:
    records = cpd_records(source)
    activities = []
    for info in source.facts.cpd:
        record = records.get(info.id)
        activities.append(
            {
                "id": info.id,
                "date": iso(info.date),
                "title": info.title,
                "hours": hours(info.hours),
                "cbt_informed": info.cbt_informed,
                "has_reflection": info.has_reflection,
                "confirmed": info.confirmed,
                "confirmed_by": record.confirmed_by.display_name
                if record and record.confirmed_by_id
                else None,
                "reflection": record.reflection.strip() if record else "",
                "evidence": record.evidence_name if record and record.evidence else "",
            }
        )
    return {
        "key": "cpd",
        "title": "CPD log",
        "start": iso(source.as_of - CPD_HISTORY),
        "end": iso(source.as_of),
        "qualified": source.facts.is_qualified,
        "activities": activities,
        "total_hours": hours(sum(a["hours"] for a in activities)),
        "cbt_informed_hours": hours(sum(a["hours"] for a in activities if a["cbt_informed"])),
        "with_reflection": sum(1 for a in activities if a["has_reflection"]),
    }
