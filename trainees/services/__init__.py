"""Writes for trainees' records, one module per area (enrolment, attendance, supervision, caseload, ...)."""

from trainees.services.enrolment import assign_supervisor, complete_enrolment, enrol_trainee

__all__ = ["assign_supervisor", "complete_enrolment", "enrol_trainee"]
