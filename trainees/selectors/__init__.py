"""Reads for trainees' records, one module per area. Access rules live in selectors.enrolment."""

from trainees.selectors.enrolment import (
    enrolment_access,
    enrolments_for_user,
    get_enrolment_for_user,
    own_enrolments,
    staff_can_manage,
    supervisees,
    trainee_overview,
)

__all__ = [
    "enrolment_access",
    "enrolments_for_user",
    "get_enrolment_for_user",
    "own_enrolments",
    "staff_can_manage",
    "supervisees",
    "trainee_overview",
]
