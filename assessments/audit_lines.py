"""An attempt's audit trail in words: who did what, when, and what changed, as a person would write it.

The audit events keep their before/after summaries exactly as recorded (codes, ids and hashes, for the
record); this is the one place that reads them back for people. An event it does not know is still shown,
by what it was about and its note, never as raw data."""

from dataclasses import dataclass, field
from datetime import date, datetime

from accounts.models import AuditEvent
from assessments.models import Attempt, SignOff
from assessments.models.reference import MarkingCriterion, Method
from core.dates import long_date
from core.wording import number, plural


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str
    what: str
    changes: list[str] = field(default_factory=list)
    note: str = ""


def _date(value) -> str:
    if isinstance(value, date):
        return long_date(value)
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _label(choices, value) -> str:
    """The words for a stored choice; a value no longer among the choices is shown as it was stored."""
    return dict(choices).get(value, str(value))


def _size(size) -> str:
    size = int(size or 0)
    if size >= 1024 * 1024:
        return f"{number(round(size / (1024 * 1024), 1))} MB"
    return f"{number(max(1, round(size / 1024)))} KB"


def _outcome(value) -> str:
    return _label(Attempt.Outcome.choices, value)


def _status(value) -> str:
    return _label(Attempt.Status.choices, value)


def _submitted(event, attempt, criteria) -> tuple[str, list[str]]:
    after = event.after or {}
    what = f"Submitted attempt {after.get('number', attempt.number)}"
    if after.get("of"):
        what += f" of {after['of']}"
    changes = []
    if after.get("method"):
        changes.append(f"Method: {_label(Method.choices, after['method'])}")
    if after.get("submitted_on"):
        changes.append(f"Submitted on {_date(after['submitted_on'])}")
    return what, changes


def _uploaded(event, attempt, criteria) -> tuple[str, list[str]]:
    after = event.after or {}
    changes = [f"Size: {_size(after.get('size'))}"] if after.get("size") else []
    if after.get("sha256"):
        changes.append(f"Fingerprint (SHA-256): {after['sha256']}")
    return f"Added evidence “{after.get('name') or event.object_repr}”", changes


def _downloaded(event, attempt, criteria) -> tuple[str, list[str]]:
    return f"Downloaded evidence “{event.object_repr}”", []


def _ratings(ratings: dict, criteria: dict[str, MarkingCriterion]) -> list[str]:
    lines = []
    for code, rating in ratings.items():
        criterion = criteria.get(code)
        name = (
            f"item {criterion.number}, {criterion.title}" if criterion else "an item no longer in the scheme"
        )
        lines.append(f"Rated {rating} for {name}")
    return lines


def _marked(event, attempt, criteria) -> tuple[str, list[str]]:
    after = event.after or {}
    changes = []
    if after.get("first_outcome"):
        changes.append(f"Outcome: {_outcome(after['first_outcome']).lower()}")
    if after.get("percentage") is not None:
        changes.append(f"Mark: {number(after['percentage'])}%")
    if after.get("total_score") is not None:
        changes.append(f"Total score: {number(after['total_score'])}")
    changes += _ratings(after.get("ratings") or {}, criteria)
    if after.get("moderation"):
        changes.append(
            f"Sent for moderation: {_label(Attempt.ModerationReason.choices, after['moderation'])}"
        )
    if after.get("status"):
        changes.append(
            f"Status: from {_status(Attempt.Status.SUBMITTED).lower()} to {_status(after['status']).lower()}"
        )
    if after.get("release_on"):
        changes.append(f"Marks released to the trainee on {_date(after['release_on'])}")
    return "Marked the attempt", changes


def _moderated(event, attempt, criteria) -> tuple[str, list[str]]:
    before, after = event.before or {}, event.after or {}
    changes = []
    if after.get("decision"):
        changes.append(f"Decision: {_label(Attempt.Decision.choices, after['decision']).lower()}")
    if after.get("outcome"):
        first = before.get("first_outcome")
        agreed = _outcome(after["outcome"]).lower()
        if first and first != after["outcome"]:
            changes.append(f"Outcome: from {_outcome(first).lower()} to {agreed}")
        else:
            changes.append(f"Outcome: {agreed}")
    if after.get("percentage") is not None and after.get("percentage") != before.get("percentage"):
        was = before.get("percentage")
        changes.append(
            f"Mark: from {number(was)}% to {number(after['percentage'])}%"
            if was is not None
            else f"Mark: {number(after['percentage'])}%"
        )
    return "Moderated the marks", changes


def _signed(event, attempt, criteria) -> tuple[str, list[str]]:
    after = event.after or {}
    changes = []
    if after.get("role"):
        changes.append(f"Signed as {_label(SignOff.Role.choices, after['role']).lower()}")
    if (event.before or {}).get("status") == "reopened":
        changes.append("Signed again after the sign-off was reopened")
    if after.get("evidence"):
        changes.append(f"On {plural(len(after['evidence']), 'evidence file')}")
    if after.get("marks_sha256"):
        changes.append(f"Marks fingerprint (SHA-256): {after['marks_sha256']}")
    return f"Signed off {attempt.subject}", changes


def _reopened(event, attempt, criteria) -> tuple[str, list[str]]:
    return f"Reopened the sign-off of {attempt.subject}", ["The competence is no longer signed off"]


def _mitigation(event, attempt, criteria) -> tuple[str, list[str]]:
    before, after = event.before or {}, event.after or {}
    changes = []
    if before.get("attempts_allowed") is not None and after.get("attempts_allowed") is not None:
        changes.append(f"Attempts allowed: from {before['attempts_allowed']} to {after['attempts_allowed']}")
    if after.get("accepted_on"):
        changes.append(f"Accepted on {_date(after['accepted_on'])}")
    return "Accepted mitigating circumstances", changes


WORDING = {
    "attempt.submitted": _submitted,
    "evidence.uploaded": _uploaded,
    "evidence.downloaded": _downloaded,
    "attempt.marked": _marked,
    "attempt.moderated": _moderated,
    "competence.signed": _signed,
    "competence.reopened": _reopened,
    "attempt.mitigation_accepted": _mitigation,
}


def _who(event: AuditEvent) -> str:
    if event.actor_id is not None:
        return event.actor.display_name
    return event.actor_label or "The system"


def audit_lines(attempt: Attempt, events) -> list[AuditLine]:
    """Each event of `assessments.selectors.audit_trail_for_attempt` as a line in words."""
    scheme = attempt.component.marking_scheme
    criteria = {c.code: c for c in scheme.criteria.all()} if scheme is not None else {}
    lines = []
    for event in events:
        describe = WORDING.get(event.action)
        if describe is not None:
            what, changes = describe(event, attempt, criteria)
        else:
            what, changes = (
                f"Changed {event.object_repr}" if event.object_repr else "A change to this record",
                [],
            )
        lines.append(AuditLine(at=event.at, who=_who(event), what=what, changes=changes, note=event.message))
    return lines
