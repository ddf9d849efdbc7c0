"""The trainee status document (`manage.py trainee_status --json`): a pure function of facts and results.

The format is documented in the README ("Trainee status as JSON"). Dates are ISO 8601 strings, hours are
numbers; nothing here reads the database, so the document always matches the pages and the export.
"""

from datetime import date, datetime

from accreditation.engine import ReadinessResult
from accreditation.facts import TraineeFacts


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def criterion_document(criterion) -> dict:
    return {
        "code": criterion.code,
        "description": criterion.description,
        "met": criterion.met,
        "value": _json_value(criterion.value),
        "target": _json_value(criterion.target),
        "gap": criterion.gap,
    }


def scheme_document(result: ReadinessResult) -> dict:
    return {
        "code": result.scheme_code,
        "name": result.scheme_name,
        "version": result.version,
        "stage": result.stage,
        "ready": result.ready,
        "next_due": _json_value(result.next_due),
        "criteria": [criterion_document(c) for c in result.criteria],
    }


def status_document(facts: TraineeFacts, results: list[ReadinessResult]) -> dict:
    days = facts.training_days
    supervision = facts.supervision
    caseload = facts.caseload
    return {
        "trainee": {
            "username": facts.username,
            "name": facts.name,
            "route": facts.route_code,
            "route_name": facts.route_name,
            "programme": facts.programme,
            "cohort": facts.cohort,
            "cohort_name": facts.cohort_name,
            "start_date": facts.start_date.isoformat(),
            "status": facts.status,
        },
        "as_of": facts.as_of.isoformat(),
        "training_days": {
            "university": {"required": days.university_required, "completed": days.university_completed},
            "workplace": {"required": days.workplace_required, "completed": days.workplace_completed},
            "window_end": days.window_end.isoformat(),
            "status": days.status,
        },
        "competences": [
            {
                "code": c.code,
                "name": c.name,
                "status": c.status,
                "signed_by": c.signed_by,
                "signed_at": _json_value(c.signed_at),
            }
            for c in facts.competences
        ],
        "supervision": {
            "hours": dict(supervision.hours),
            "credentialed_hours": dict(supervision.credentialed_hours),
            "missed_weeks": [week.isoformat() for week in supervision.missed_weeks],
            "overdue_case_reviews": [
                {"case_reference": reference, "days_since_review": days_since}
                for reference, days_since in supervision.overdue_case_reviews
            ],
            "status": supervision.status,
        },
        "caseload": {
            "profile": caseload.profile,
            "expected_patients_to_date": caseload.expected_patients_to_date,
            "actual_patients_to_date": caseload.actual_patients_to_date,
            "expected_year_total": caseload.expected_year_total,
            "contact_hours": caseload.contact_hours,
            "status": caseload.status,
        },
        "schemes": [scheme_document(result) for result in results],
    }
