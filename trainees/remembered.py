"""What the trainees areas work out ahead when records change (trainees.enrolment.facts.warm_with): the
cohort page's columns for today, asked exactly as the page asks."""

from datetime import date

from trainees.attendance.selectors import training_days_progress_for
from trainees.caseload.selectors import caseload_figures_for
from trainees.supervision.selectors import supervision_compliance_for


def cohort_page_facts(enrolments: list, today: date) -> None:
    training_days_progress_for(enrolments, on=today)
    supervision_compliance_for(enrolments, end=today)
    caseload_figures_for(enrolments, on=today)
