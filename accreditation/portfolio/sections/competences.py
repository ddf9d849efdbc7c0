"""Each competence with its status, attempts (marks and markers) and sign-off, then the attempts at the
written pieces and practice outcomes.

Statuses come from `assessments.selectors.competence_statuses_for` with `released_only=True`: a portfolio
shows only released marks, exactly as the trainee sees them. Attempts whose marks are not released on the
portfolio's date show no marks, no markers and no sign-off. (Whether every module assessment is passed is a
readiness criterion, so the readiness summary states it.)
"""

from collections import defaultdict
from typing import TYPE_CHECKING

from accreditation.portfolio.sections.common import iso, moment
from assessments.models import AssessmentComponent, Attempt, SignOff
from assessments.selectors import AssessmentRecords, assessment_records_for, competence_statuses_for

if TYPE_CHECKING:
    from accreditation.portfolio.data import PortfolioSource

ROLE_LABELS = dict(SignOff.Role.choices)


def assessment_records(source: "PortfolioSource") -> AssessmentRecords:
    """The trainee's attempts, sign-offs and evidence files, and the size of each marking scheme, from
    `assessments.selectors.assessment_records_for` in four queries whatever their number (shared with the
    evidence index)."""
    enrolment = source.enrolment
    return source.once("assessment_records", lambda: assessment_records_for([enrolment])[enrolment.pk])


def _marks(attempt: Attempt, schemes: dict) -> str:
    component = attempt.component
    if component.marking == AssessmentComponent.Marking.CRITERIA and attempt.total_score is not None:
        scheme = schemes.get(component.marking_scheme_id)
        if scheme is not None and scheme.items and scheme.top is not None:
            return f"{attempt.total_score} of {scheme.items * scheme.top} (pass {scheme.pass_total})"
        return str(attempt.total_score)
    if component.marking == AssessmentComponent.Marking.PERCENTAGE and attempt.agreed_percentage is not None:
        return f"{attempt.agreed_percentage}% (pass {component.pass_mark}%)"
    return ""


def _attempt(attempt: Attempt, released: bool, schemes: dict) -> dict:
    row = {
        "number": attempt.number,
        "submitted_on": iso(attempt.submitted_on),
        "component": attempt.component.name,
        "method": attempt.get_method_display(),
        "released": released,
        "outcome": attempt.get_outcome_display() if released else "Awaiting marking",
        "marks": "",
        "first_marker": None,
        "first_marked_at": None,
        "moderator": None,
        "moderation": "",
    }
    if released:
        row.update(
            marks=_marks(attempt, schemes),
            first_marker=attempt.first_marker.display_name if attempt.first_marker_id else None,
            first_marked_at=moment(attempt.first_marked_at),
            moderator=attempt.second_marker.display_name if attempt.second_marker_id else None,
            moderation=attempt.get_moderation_decision_display() if attempt.moderation_decision else "",
        )
    return row


def _sign_off(sign_off: SignOff, reopening) -> dict:
    return {
        "signed_by": sign_off.signed_by.display_name,
        "role": sign_off.get_signed_by_role_display(),
        "signed_at": moment(sign_off.signed_at),
        "method": sign_off.get_method_display(),
        "marks_sha256": sign_off.marks_sha256,
        "evidence": [item.get("name", "") for item in sign_off.evidence or []],
        "reopened": (
            {
                "by": reopening.reopened_by.display_name,
                "at": moment(reopening.reopened_at),
                "reason": reopening.reason,
            }
            if reopening is not None
            else None
        ),
    }


def _reopening(sign_off: SignOff):
    try:
        return sign_off.reopening
    except SignOff.reopening.RelatedObjectDoesNotExist:
        return None


def competences_section(source: "PortfolioSource") -> dict:
    enrolment, as_of = source.enrolment, source.as_of
    statuses = competence_statuses_for([enrolment], released_only=True, on=as_of).get(enrolment.pk, [])
    records = assessment_records(source)
    released = {a.pk: a.is_released(as_of) for a in records.attempts}
    by_competence, by_component = defaultdict(list), []
    for attempt in records.attempts:
        row = _attempt(attempt, released[attempt.pk], records.schemes)
        if attempt.competence_id:
            by_competence[attempt.competence.code].append(row)
        else:
            by_component.append({**row, "module_number": attempt.component.module.number})
    sign_offs = defaultdict(list)
    attempt_ids = {a.pk: a for a in records.attempts}
    for sign_off in records.sign_offs:
        attempt = attempt_ids.get(sign_off.attempt_id)
        if attempt is not None and released[attempt.pk]:
            sign_offs[attempt.competence.code].append(_sign_off(sign_off, _reopening(sign_off)))
    competences = [
        {
            "code": status.code,
            "name": status.name,
            "kind": status.kind,
            "module_number": status.module_number,
            "status": status.status,
            "status_label": status.label,
            "attempts_used": status.attempts_used,
            "attempts_allowed": status.attempts_allowed,
            "signed_by": status.signed_by,
            "signed_by_role": status.signed_by_role,
            "signed_by_role_label": ROLE_LABELS.get(status.signed_by_role, status.signed_by_role or ""),
            "signed_at": moment(status.signed_at),
            "attempts": by_competence.get(status.code, []),
            "sign_offs": sign_offs.get(status.code, []),
        }
        for status in statuses
    ]
    return {
        "key": "competences",
        "title": "Competences and assessments",
        "signed": sum(1 for c in competences if c["status"] == "signed"),
        "total": len(competences),
        "attempts": len(records.attempts),
        "competences": competences,
        "module_attempts": by_component,
    }
