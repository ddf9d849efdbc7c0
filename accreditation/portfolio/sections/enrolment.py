"""Who the trainee is, on which programme, cohort and route, and any interruption."""

from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import iso
from trainees.enrolment.selectors import interruptions_for
from trainees.models import Enrolment

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource


def enrolment_section(source: "PortfolioSource") -> dict:
    enrolment = source.enrolment
    interruptions = [
        {
            "starts_on": iso(item.starts_on),
            "ends_on": iso(item.ends_on),
            "reason": item.get_reason_display(),
            "days": item.days_within(item.starts_on, min(item.ends_on, source.as_of)),
        }
        for item in interruptions_for([enrolment])[enrolment.pk]
        if item.starts_on <= source.as_of
    ]
    active = enrolment.status == Enrolment.Status.ACTIVE
    return {
        "key": "enrolment",
        "title": "Trainee and enrolment",
        "trainee": enrolment.user.display_name,
        "programme": enrolment.cohort.programme.name,
        "education_provider": enrolment.cohort.programme.hei.name,
        "award": enrolment.cohort.programme.get_award_display(),
        "cohort": enrolment.cohort.name,
        "intake": enrolment.cohort.intake,
        "route": enrolment.route.name,
        "route_description": enrolment.route.description,
        "start_date": iso(enrolment.start_date),
        "window_months": enrolment.route.window_months,
        "nominal_window_end": iso(enrolment.nominal_window_end),
        "month_of_training": enrolment.month_of_training(source.as_of) if active else None,
        "employing_service": enrolment.employing_service.name,
        "band": enrolment.get_band_display(),
        "status": enrolment.get_status_display(),
        "completed_on": iso(enrolment.completed_on),
        "interruptions": interruptions,
    }
