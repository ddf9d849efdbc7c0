"""Trainees' records. One module per topic; import every model here so Django finds it."""

from trainees.models.caseload import Case
from trainees.models.cpd import CpdActivity
from trainees.models.enrolment import Enrolment, EnrolmentQuerySet, Interruption, SupervisorAssignment

__all__ = ["Case", "CpdActivity", "Enrolment", "EnrolmentQuerySet", "Interruption", "SupervisorAssignment"]
