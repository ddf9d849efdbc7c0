"""Training days: `training_days_progress` (through the readiness facts, which read it in bulk)."""

from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import iso
from trainees.attendance.engine import STATUS_LABELS

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def _outstanding(required: int, completed: int) -> int:
    return max(required - completed, 0)


def training_days_section(source: "PortfolioSource") -> dict:
    progress = source.facts.training_days
    route = source.enrolment.route
    return {
        "key": "training_days",
        "title": "Training days",
        "as_of": iso(progress.as_of),
        "route": route.name,
        "window_months": route.window_months,
        "status": progress.status,
        "status_label": STATUS_LABELS.get(progress.status, progress.status),
        "reason": progress.reason,
        "university_required": progress.university_required,
        "university_completed": progress.university_completed,
        "university_outstanding": _outstanding(progress.university_required, progress.university_completed),
        "workplace_required": progress.workplace_required,
        "workplace_completed": progress.workplace_completed,
        "workplace_outstanding": _outstanding(progress.workplace_required, progress.workplace_completed),
        "window_end": iso(progress.window_end),
        "can_still_fit": progress.can_still_fit,
        "complete": progress.complete,
        "completed_within_window": progress.completed_within_window,
        "modules": [
            {
                "number": m.module_number,
                "title": m.module_title,
                "university_required": m.university_required,
                "university_completed": m.university_completed,
                "workplace_required": m.workplace_required,
                "workplace_completed": m.workplace_completed,
            }
            for m in progress.modules
        ],
    }
