"""The interfaces the readiness engine reads, one import point (see each area's selectors).

Training days (attendance), competences (assessments), supervision, caseload and CPD each define their
result dataclasses beside their selectors; the engine, the JSON document and the export depend only on
these names, so tests can construct them directly.
"""

from assessments.selectors import CompetenceStatus, ComponentResult
from trainees.attendance.engine import ModuleDays, TrainingDaysProgress
from trainees.caseload.selectors import CaseloadFigures
from trainees.cpd.selectors import CpdActivityInfo
from trainees.supervision.selectors import SupervisionSummary, SupervisorReportInfo

__all__ = [
    "CaseloadFigures",
    "CompetenceStatus",
    "ComponentResult",
    "CpdActivityInfo",
    "ModuleDays",
    "SupervisionSummary",
    "SupervisorReportInfo",
    "TrainingDaysProgress",
]
