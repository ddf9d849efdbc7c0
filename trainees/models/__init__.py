"""Trainees' records. One module per topic; import every model here so Django finds it."""

from trainees.models.enrolment import Enrolment, EnrolmentQuerySet, SupervisorAssignment

__all__ = ["Enrolment", "EnrolmentQuerySet", "SupervisorAssignment"]
