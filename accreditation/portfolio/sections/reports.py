"""Supervisor reports: `supervisor_reports` (through the readiness facts) and what each signed report says.
A draft is listed, but its text is not shown: it is not the supervisor's report until it is signed."""

from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import iso, moment
from trainees.models import SupervisorReport
from trainees.supervision.selectors import signed_reports_for

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource

KIND_LABELS = dict(SupervisorReport.Kind.choices)
# The report's headings, in the order of the form the supervisor filled in.
FIELDS = ("engagement", "clinical_skills", "case_management", "values", "strengths", "development")


def supervisor_reports_section(source: "PortfolioSource") -> dict:
    signed = signed_reports_for([source.enrolment])[source.enrolment.pk]
    reports = []
    for info in source.facts.supervisor_reports:
        report = signed.get(info.id) if info.signed else None
        entry = {
            "id": info.id,
            "kind": info.kind,
            "kind_label": KIND_LABELS.get(info.kind, info.kind),
            "signed": info.signed,
            "signed_at": moment(info.signed_at),
            "signed_by": info.signed_by,
            "period_start": None,
            "period_end": None,
            "progress": "",
            "answers": [],
        }
        if report is not None:
            entry.update(
                period_start=iso(report.period_start),
                period_end=iso(report.period_end),
                progress=report.get_progress_display(),
                answers=[
                    {
                        "question": str(SupervisorReport._meta.get_field(name).verbose_name).capitalize(),
                        "answer": getattr(report, name),
                    }
                    for name in FIELDS
                ],
            )
        reports.append(entry)
    return {"key": "supervisor_reports", "title": "Supervisor reports", "reports": reports}
