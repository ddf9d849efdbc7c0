"""Trainees' records. One module per topic; import every model here so Django finds it."""

from trainees.models.caseload import Case
from trainees.models.contacts import CaseloadImport, CaseloadSettings, ColumnMapping, Contact, RampProfile
from trainees.models.enrolment import Enrolment, EnrolmentQuerySet, Interruption, SupervisorAssignment

__all__ = ["Case", "Enrolment", "EnrolmentQuerySet", "Interruption", "SupervisorAssignment"]
__all__ += ["CaseloadImport", "CaseloadSettings", "ColumnMapping", "Contact", "RampProfile"]
