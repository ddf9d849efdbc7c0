"""Trainees' records, laid out by subdomain (enrolment, attendance, supervision, caseload, cpd); one app label
and one migrations folder. Every model is imported here so Django finds it."""

from trainees.attendance.models import AttendanceMark, CatchUp, TeachingDay, WorkplaceDay
from trainees.caseload.models import (
    Case,
    CaseloadImport,
    CaseloadSettings,
    ColumnMapping,
    Contact,
    RampProfile,
)
from trainees.cpd.models import CpdActivity
from trainees.enrolment.models import (
    Enrolment,
    EnrolmentChange,
    EnrolmentFacts,
    EnrolmentQuerySet,
    Interruption,
    SupervisorAssignment,
)
from trainees.imports.models import ImportProfile
from trainees.supervision.models import (
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
    "AttendanceMark",
    "Case",
    "CaseReview",
    "CaseloadImport",
    "CaseloadSettings",
    "CatchUp",
    "ColumnMapping",
    "Contact",
    "CpdActivity",
    "Enrolment",
    "EnrolmentChange",
    "EnrolmentFacts",
    "EnrolmentQuerySet",
    "ImportProfile",
    "Interruption",
    "Leave",
    "RampProfile",
    "ServiceSite",
    "SitePlacement",
    "SupervisionRules",
    "SupervisionSession",
    "SupervisorAssignment",
    "SupervisorProfile",
    "SupervisorReport",
    "SupervisorTraining",
    "TeachingDay",
    "WorkplaceDay",
]
