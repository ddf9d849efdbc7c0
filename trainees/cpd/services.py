"""Writes for the CPD log: the practitioner records, a supervisor confirms, programme staff reopen.

A confirmed activity is immutable (database trigger, migration 0006_cpd). Reopening adds a new row that
supersedes it, with the reason, and an audit event; the confirmed row is never updated.
"""

from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import ConflictError, DomainError, record_event
from accounts.uploads import content_matches
from trainees.access import access_to
from trainees.cpd.models import cpd_evidence_path
from trainees.enrolment.versions import bump_records_version
from trainees.models import CpdActivity, Enrolment

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".docx")


def check_evidence(upload) -> str:
    """Refuse a file that is too big, of a type not allowed, or whose content does not match its name.

    Returns the extension. Never trusts the browser's content type.
    """
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise DomainError("The evidence must be a PDF, PNG, JPEG or Word (.docx) file.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise DomainError("The evidence must be smaller than 10 MB.")
    if not content_matches(upload, extension):
        raise DomainError(f"The file's content is not a real {extension[1:].upper()} file.")
    return extension


def _clean_name(upload) -> str:
    return PurePath(upload.name).name[:120]


def _store(activity: CpdActivity, upload) -> str:
    """Save the upload under a server-chosen name; the caller deletes it if the transaction fails."""
    check_evidence(upload)
    return default_storage.save(cpd_evidence_path(activity, upload.name), upload)


def _validate(activity: CpdActivity) -> None:
    try:
        activity.full_clean(exclude=["evidence", "recorded_by", "confirmed_by", "supersedes"])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    if activity.date > timezone.localdate():
        raise DomainError("The date of the activity cannot be in the future.")


def _snapshot(activity: CpdActivity) -> dict:
    return {
        "date": activity.date,
        "title": activity.title,
        "hours": str(activity.hours),
        "cbt_informed": activity.cbt_informed,
        "has_reflection": activity.has_reflection,
        "evidence": bool(activity.evidence),
        "status": activity.status,
    }


def record_cpd_activity(
    *,
    actor,
    enrolment: Enrolment,
    date: date,
    title: str,
    hours: Decimal,
    cbt_informed: bool = False,
    reflection: str = "",
    evidence=None,
) -> CpdActivity:
    """The practitioner adds an activity to their own CPD log (awaiting a supervisor's confirmation)."""
    if not access_to(actor, enrolment).can("add_cpd"):
        raise DomainError("Only the practitioner can add to their CPD log.")
    activity = CpdActivity(
        enrolment=enrolment,
        date=date,
        title=title,
        hours=hours,
        cbt_informed=cbt_informed,
        reflection=reflection,
        recorded_by=actor,
    )
    _validate(activity)
    stored = _store(activity, evidence) if evidence else ""
    try:
        with transaction.atomic():
            if evidence:
                activity.evidence.name = stored
                activity.evidence_name = _clean_name(evidence)
            activity.save(force_insert=True)
            bump_records_version(activity.enrolment_id)
            record_event(actor=actor, action="cpd.recorded", obj=activity, after=_snapshot(activity))
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return activity


def update_cpd_activity(*, actor, activity: CpdActivity, evidence=None, **changes) -> CpdActivity:
    """The practitioner corrects an activity that is not confirmed yet (a reopened copy, for example)."""
    if not access_to(actor, activity.enrolment).can("edit_cpd"):
        raise DomainError("Only the practitioner can change their CPD log.")
    allowed = {"date", "title", "hours", "cbt_informed", "reflection"}
    if set(changes) - allowed:
        raise DomainError("Only the date, title, hours, CBT-informed flag and reflection can be changed.")
    if activity.is_confirmed:
        raise DomainError(
            "This activity is confirmed, so it cannot be changed. Ask your programme to reopen it."
        )
    before = _snapshot(activity)
    for name, value in changes.items():
        setattr(activity, name, value)
    _validate(activity)
    stored = _store(activity, evidence) if evidence else ""
    fields = list(changes)
    try:
        with transaction.atomic():
            if evidence:
                activity.evidence.name = stored
                activity.evidence_name = _clean_name(evidence)
                fields += ["evidence", "evidence_name"]
            activity.save(update_fields=fields)
            bump_records_version(activity.enrolment_id)
            record_event(
                actor=actor, action="cpd.updated", obj=activity, before=before, after=_snapshot(activity)
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return activity


@transaction.atomic
def confirm_cpd_activity(*, actor, activity: CpdActivity) -> CpdActivity:
    """A current supervisor confirms the activity; from then on the database refuses any change to it."""
    if not access_to(actor, activity.enrolment).can("confirm_cpd"):
        raise DomainError("Only a current supervisor of this practitioner can confirm their CPD.")
    if actor.pk == activity.enrolment.user_id:
        raise DomainError("You cannot confirm your own CPD.")
    now = timezone.now()
    # A conditional UPDATE: of two supervisors confirming at once, exactly one wins.
    updated = CpdActivity.objects.filter(pk=activity.pk, status=CpdActivity.Status.RECORDED).update(
        status=CpdActivity.Status.CONFIRMED, confirmed_by=actor, confirmed_at=now
    )
    if not updated:
        raise ConflictError("This activity has already been confirmed.")
    activity.refresh_from_db()
    bump_records_version(activity.enrolment_id)
    record_event(actor=actor, action="cpd.confirmed", obj=activity, after=_snapshot(activity))
    return activity


def reopen_cpd_activity(*, actor, activity: CpdActivity, reason: str) -> CpdActivity:
    """Programme staff reopen a confirmed activity: a new, editable copy supersedes it. Returns the copy."""
    if not access_to(actor, activity.enrolment).can("reopen_cpd"):
        raise DomainError("Only the programme lead or an administrator can reopen confirmed CPD.")
    if not activity.is_confirmed:
        raise DomainError("Only a confirmed activity needs reopening: this one can still be changed.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for reopening.")
    copy = CpdActivity(
        enrolment=activity.enrolment,
        date=activity.date,
        title=activity.title,
        hours=activity.hours,
        cbt_informed=activity.cbt_informed,
        reflection=activity.reflection,
        evidence=activity.evidence.name,
        evidence_name=activity.evidence_name,
        recorded_by=activity.recorded_by,
        supersedes=activity,
        reopen_reason=reason,
    )
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
            bump_records_version(activity.enrolment_id)
            record_event(
                actor=actor,
                action="cpd.reopened",
                obj=activity,
                message=reason,
                before=_snapshot(activity),
                after={"reopened_as": copy.pk},
            )
    except IntegrityError as error:
        raise ConflictError("This activity has already been reopened.") from error
    return copy
