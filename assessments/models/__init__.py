"""Competence assessments, attempts, marking, moderation, sign-offs and evidence files."""

from assessments.models.attempts import (
    OPEN_STATUSES,
    Attempt,
    AttemptRating,
    EvidenceFile,
    MitigatingCircumstances,
)
from assessments.models.deadlines import SubmissionDeadline
from assessments.models.reference import (
    AssessmentComponent,
    AssessmentScheme,
    MarkingCriterion,
    MarkingScheme,
    Method,
    ProgrammeAssessmentSettings,
    RatingLevel,
    RatingScale,
)
from assessments.models.signoffs import SignOff, SignOffReopening

__all__ = [
    "OPEN_STATUSES",
    "AssessmentComponent",
    "AssessmentScheme",
    "Attempt",
    "AttemptRating",
    "EvidenceFile",
    "MarkingCriterion",
    "MarkingScheme",
    "Method",
    "MitigatingCircumstances",
    "ProgrammeAssessmentSettings",
    "RatingLevel",
    "RatingScale",
    "SignOff",
    "SignOffReopening",
    "SubmissionDeadline",
]
