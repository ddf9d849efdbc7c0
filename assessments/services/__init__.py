"""Every state change in competence assessment is one of these functions (keyword-only, atomic, audited)."""

from assessments.services.attempts import add_evidence, record_mitigating_circumstances, submit_attempt
from assessments.services.deadlines import set_submission_deadlines
from assessments.services.marking import mark_attempt, moderate_attempt
from assessments.services.programmes import configure_programme_assessment
from assessments.services.signoffs import reopen_sign_off, sign_off_competence

__all__ = [
    "add_evidence",
    "configure_programme_assessment",
    "mark_attempt",
    "moderate_attempt",
    "record_mitigating_circumstances",
    "set_submission_deadlines",
    "reopen_sign_off",
    "sign_off_competence",
    "submit_attempt",
]
