"""Trainees' records. One module per topic; import every model here so Django finds it."""

from trainees.models.attendance import AttendanceMark, CatchUp, TeachingDay, WorkplaceDay
from trainees.models.caseload import Case
from trainees.models.enrolment import Enrolment, EnrolmentQuerySet, Interruption, SupervisorAssignment

__all__ = ["Case", "Enrolment", "EnrolmentQuerySet", "Interruption", "SupervisorAssignment"]
__all__ += ["AttendanceMark", "CatchUp", "TeachingDay", "WorkplaceDay"]
