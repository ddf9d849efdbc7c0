"""Trainees' records. One module per topic; import every model here so Django finds it."""

from trainees.models.attendance import AttendanceMark, CatchUp, TeachingDay, WorkplaceDay
from trainees.models.caseload import Case
from trainees.models.contacts import CaseloadImport, CaseloadSettings, ColumnMapping, Contact, RampProfile
from trainees.models.cpd import CpdActivity
from trainees.models.enrolment import Enrolment, EnrolmentQuerySet, Interruption, SupervisorAssignment
from trainees.models.supervision import (
    CaseReview,
    Leave,
    ServiceSite,
    SitePlacement,
    SupervisionRules,
    SupervisionSession,
    SupervisorProfile,
    SupervisorReport,
    SupervisorTraining,
)

__all__ = [
    "Case",
    "CaseReview",
    "CpdActivity",
    "Enrolment",
    "EnrolmentQuerySet",
    "Interruption",
    "Leave",
    "ServiceSite",
    "SitePlacement",
    "SupervisionRules",
    "SupervisionSession",
    "SupervisorAssignment",
    "SupervisorProfile",
    "SupervisorReport",
    "SupervisorTraining",
]
__all__ += ["AttendanceMark", "CatchUp", "TeachingDay", "WorkplaceDay"]
__all__ += ["CaseloadImport", "CaseloadSettings", "ColumnMapping", "Contact", "RampProfile"]
