"""Local copies of the interfaces the readiness engine reads (see CONTRACTS.md), field for field.

The attendance (#3), competence (#4), supervision (#5) and caseload (#6) areas are built in parallel and
define the real dataclasses in their own selectors. Until they land, the engine, its tests, the JSON
document and the export are written against these copies; once they land, the imports below switch to
the real classes (the field names are identical, so nothing else changes). CPD is this area's own and is
imported from its selector.
"""

from dataclasses import dataclass
from datetime import date, datetime

from trainees.selectors.cpd import CpdActivityInfo

__all__ = [
    "CaseloadFigures",
    "CompetenceStatus",
    "ComponentResult",
    "CpdActivityInfo",
    "ModuleDays",
    "SupervisionSummary",
    "SupervisorReportInfo",
    "TrainingDaysProgress",
]


@dataclass(frozen=True)
class ModuleDays:
    module_number: int
    module_title: str
    university_required: int
    university_completed: int
    workplace_required: int
    workplace_completed: int


@dataclass(frozen=True)
class TrainingDaysProgress:
    as_of: date
    university_required: int
    university_completed: int
    workplace_required: int
    workplace_completed: int
    modules: tuple[ModuleDays, ...]
    window_end: date
    can_still_fit: bool
    complete: bool
    completed_within_window: bool
    status: str  # "complete" | "on_track" | "at_risk" | "off_track"
    reason: str


@dataclass(frozen=True)
class CompetenceStatus:
    code: str
    name: str
    kind: str
    module_number: int
    status: str  # "not_started" | "submitted" | "awaiting_moderation" | "failed" | "signed" | "reopened"
    attempts_used: int
    attempts_allowed: int
    signed_by: str | None
    signed_by_role: str | None
    signed_at: datetime | None
    sign_off_id: int | None


@dataclass(frozen=True)
class ComponentResult:
    module_number: int
    code: str
    name: str
    passed: bool
    outcome: str  # "passed" | "failed" | "pending" | "not_started"


@dataclass(frozen=True)
class SupervisionSummary:
    start: date
    end: date
    hours: dict[str, float]
    credentialed_hours: dict[str, float]
    missed_weeks: tuple[date, ...]
    clinical_skills_shortfall_hours: float
    overdue_case_reviews: tuple[tuple[str, int], ...]
    live_assessments: int
    live_assessment_interventions: tuple[str, ...]
    status: str  # "compliant" | "gaps"
    reason: str


@dataclass(frozen=True)
class SupervisorReportInfo:
    id: int
    kind: str  # "interim" | "final"
    signed: bool
    signed_at: datetime | None
    signed_by: str | None


@dataclass(frozen=True)
class CaseloadFigures:
    as_of: date
    profile: str
    expected_patients_to_date: float
    actual_patients_to_date: int
    expected_active_caseload: float
    actual_active_caseload: int
    expected_year_total: float
    contact_hours: float
    first_contact_on: date | None
    step2_hours_per_week: float
    patients_last_12_months: int
    status: str  # "on_track" | "behind" | "ahead" | "not_started"
    reason: str
