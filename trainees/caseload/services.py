"""Writes for the caseload: contacts, closing cases, a programme's ramp settings, column mappings, imports.

Every check on a contact lives in `contact_problems`, which the contact form, this module and the importer
all call, so a row from a spreadsheet is held to exactly the rules of a contact typed in by hand.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from accounts.services import DomainError, record_event
from curriculum.models import Intervention, Programme
from trainees.deidentify import validate_case_reference
from trainees.enrolment.versions import bump_matching, bump_records_version
from trainees.models import (
    Case,
    CaseloadImport,
    CaseloadSettings,
    ColumnMapping,
    Contact,
    Enrolment,
    RampProfile,
)

REFERENCE_MAX = 40
_REFERENCE_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*")


def clean_case_reference(value: str, service=None) -> str:
    """The service's pseudonymous case reference, trimmed; refused if it could identify a patient or is
    not in the form `service` (the trainee's employing service) gives its references."""
    value = " ".join(str(value).split())
    if not value:
        raise ValidationError("Enter the case reference.", code="required")
    if len(value) > REFERENCE_MAX:
        raise ValidationError(f"A case reference has at most {REFERENCE_MAX} characters.", code="max_length")
    validate_case_reference(value, service)
    if not _REFERENCE_CHARACTERS.fullmatch(value):
        raise ValidationError(
            "A case reference may contain only letters, digits, spaces and . _ / -", code="characters"
        )
    return value


def lock_enrolment(enrolment: Enrolment) -> None:
    """One caseload writer per trainee at a time (a contact, an import), so that two writers cannot both
    open the same new case. SQLite's IMMEDIATE transactions already serialise writers."""
    list(
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).order_by().values_list("pk", flat=True)
    )


def contact_problems(
    enrolment: Enrolment,
    *,
    on: date | None,
    type: str,
    intervention: Intervention | None,
    minutes: int | None,
    phq9: int | None = None,
    gad7: int | None = None,
    wsas: int | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """What is wrong with a contact, field by field, in words (empty when nothing is)."""
    today = today or timezone.localdate()
    problems = {}
    if on is not None:
        if on > today:
            problems["date"] = "The date of the contact cannot be in the future."
        elif on < enrolment.start_date:
            problems["date"] = (
                f"The date of the contact is before training started on {enrolment.start_date:%d %B %Y}."
            )
    if type == Contact.Type.TREATMENT and intervention is None:
        problems["intervention"] = "Select the intervention used in this treatment contact."
    if minutes is not None and not 1 <= minutes <= Contact.MINUTES_MAX:
        problems["minutes"] = f"Minutes must be between 1 and {Contact.MINUTES_MAX}."
    for field, value in (("phq9", phq9), ("gad7", gad7), ("wsas", wsas)):
        low, high = Contact.MEASURE_RANGES[field]
        if value is not None and not low <= value <= high:
            label = Contact._meta.get_field(field).verbose_name
            problems[field] = f"{label} must be between {low} and {high}."
    return problems


def _contact_summary(contact: Contact) -> dict:
    return {
        "case": contact.case.reference,
        "date": contact.date,
        "type": contact.type,
        "mode": contact.mode,
        "intervention": contact.intervention.code if contact.intervention else "",
        "minutes": contact.minutes,
        "outcome": contact.outcome,
    }


@transaction.atomic
def record_contact(
    *,
    actor,
    enrolment: Enrolment,
    case_reference: str,
    date: date,
    type: str,
    mode: str,
    minutes: int,
    intervention: Intervention | None = None,
    presenting_problem: str = "",
    phq9: int | None = None,
    gad7: int | None = None,
    wsas: int | None = None,
    outcome: str = "",
) -> Contact:
    """Record a contact on the trainee's case with this reference, opening the case if it is new.

    A discharge, or any outcome, closes the case when it is the case's latest contact.
    """
    try:
        reference = clean_case_reference(case_reference, enrolment.employing_service)
    except ValidationError as error:
        raise ValidationError({"case_reference": error.messages}) from error
    problems = contact_problems(
        enrolment,
        on=date,
        type=type,
        intervention=intervention,
        minutes=minutes,
        phq9=phq9,
        gad7=gad7,
        wsas=wsas,
    )
    if problems:
        raise ValidationError(problems)
    lock_enrolment(enrolment)
    case, created = Case.objects.get_or_create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        reference=reference,
        defaults={"opened_on": date, "presenting_problem": presenting_problem},
    )
    if case.status == Case.Status.CLOSED and date > case.closed_on:
        raise ValidationError(
            {
                "date": f"Case {reference} was closed on {case.closed_on:%d %B %Y}. A patient who comes back "
                "is given a new case reference by the service."
            }
        )
    if Contact.objects.filter(case=case, date=date, type=type).exists():
        raise ValidationError(
            {
                "type": f"A {Contact.Type(type).label.lower()} contact for {reference} on {date:%d %B %Y} "
                "is already recorded."
            }
        )
    contact = Contact(
        case=case,
        date=date,
        type=type,
        mode=mode,
        intervention=intervention,
        minutes=minutes,
        phq9=phq9,
        gad7=gad7,
        wsas=wsas,
        outcome=outcome,
        source=Contact.Source.ENTERED,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as error:
        raise DomainError(
            "This contact was recorded at the same moment elsewhere; it is saved once."
        ) from error
    changed = []
    if date < case.opened_on:
        case.opened_on = date
        changed.append("opened_on")
    if presenting_problem and not case.presenting_problem:
        case.presenting_problem = presenting_problem
        changed.append("presenting_problem")
    if contact.closes_case and not Contact.objects.filter(case=case, date__gt=date).exists():
        case.status = Case.Status.CLOSED
        case.closed_on = max(date, case.closed_on or date)
        changed += ["status", "closed_on"]
    if changed:
        case.save(update_fields=changed)
    bump_records_version(enrolment)
    if created:
        record_event(actor=actor, action="caseload.case_opened", obj=case, after={"opened_on": date})
    record_event(
        actor=actor, action="caseload.contact_recorded", obj=contact, after=_contact_summary(contact)
    )
    return contact


@transaction.atomic
def close_case(*, actor, case: Case, closed_on: date, reason: str = "") -> Case:
    """Close an open case on `closed_on`: not before it opened or its latest contact, not in the future.

    `reason` says why the referral ended, in words (a referral end imported from the service's extract).
    Applying the same end again changes nothing, and a case already closed on that day (by its discharge
    contact) is given the reason if it has none, so a re-imported extract is harmless."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = " ".join(reason.split())[:120]
    if case.status == Case.Status.CLOSED:
        if reason and case.closed_on == closed_on and case.end_reason in ("", reason):
            if not case.end_reason:
                case.end_reason = reason
                case.save(update_fields=["end_reason"])
                record_event(
                    actor=actor,
                    action="caseload.case_end_recorded",
                    obj=case,
                    before={"end_reason": ""},
                    after={"end_reason": reason},
                )
            return case
        raise DomainError(f"Case {case.reference} is already closed.")
    if closed_on > timezone.localdate():
        raise DomainError("The closing date cannot be in the future.")
    if closed_on < case.opened_on:
        raise DomainError(
            f"Case {case.reference} opened on {case.opened_on:%d %B %Y}; it cannot close before."
        )
    latest = case.contacts.order_by("-date").values_list("date", flat=True).first()
    if latest and closed_on < latest:
        raise DomainError(
            f"Case {case.reference} has a contact on {latest:%d %B %Y}; close it on or after that."
        )
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    case.end_reason = reason
    case.save(update_fields=["status", "closed_on", "end_reason"])
    bump_records_version(case.enrolment_id)
    record_event(
        actor=actor,
        action="caseload.case_closed",
        obj=case,
        before={"status": Case.Status.OPEN},
        after={"status": case.status, "closed_on": closed_on, **({"end_reason": reason} if reason else {})},
    )
    return case


@transaction.atomic
def set_caseload_settings(
    *,
    actor,
    programme: Programme,
    profile: RampProfile,
    annual_caseload: int,
    none_months: int | None,
    contact_hours_target: int,
) -> CaseloadSettings:
    """Choose a programme's ramp profile, full annual caseload and contact-hours target."""
    if not 1 <= annual_caseload <= 1000:
        raise DomainError("The full annual caseload must be between 1 and 1,000 patients.")
    if none_months is not None and not 0 <= none_months < min(
        profile.training_months, profile.full_from_month
    ):
        raise DomainError(
            f"With the {profile.name.lower()}, the months with no caseload must be fewer than "
            f"{min(profile.training_months, profile.full_from_month)}."
        )
    settings, created = CaseloadSettings.objects.select_for_update().get_or_create(
        programme=programme, defaults={"profile": profile}
    )
    fields = ["profile", "annual_caseload", "none_months", "contact_hours_target", "updated_by", "updated_at"]
    before = (
        None
        if created
        else {
            "profile": settings.profile.code,
            "annual_caseload": settings.annual_caseload,
            "none_months": settings.none_months,
            "contact_hours_target": settings.contact_hours_target,
        }
    )
    settings.profile = profile
    settings.annual_caseload = annual_caseload
    settings.none_months = none_months
    settings.contact_hours_target = contact_hours_target
    settings.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    settings.updated_at = timezone.now()
    settings.save(update_fields=fields)
    # The ramp and the contact-hours target show in every portfolio of the programme.
    bump_matching(Q(cohort__programme=programme))
    record_event(
        actor=actor,
        action="caseload.settings_changed",
        obj=settings,
        before=before,
        after={
            "profile": profile.code,
            "annual_caseload": annual_caseload,
            "none_months": none_months,
            "contact_hours_target": contact_hours_target,
        },
    )
    return settings


@transaction.atomic
def save_column_mapping(
    *, actor, service: Organisation, name: str, headings: dict[str, str]
) -> ColumnMapping:
    """Save (or replace) a service's named column mapping: importer field code -> heading in its files."""
    from trainees.caseload.importer import FIELDS, normalise_heading

    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the mapping a name.")
    if service.kind != Organisation.Kind.SERVICE:
        raise DomainError(f"{service} is not an NHS Talking Therapies service.")
    known = {field.code for field in FIELDS}
    cleaned = {
        code: " ".join(str(h).split()) for code, h in headings.items() if code in known and str(h).strip()
    }
    missing = [f.label for f in FIELDS if f.required and f.code not in cleaned]
    if missing:
        raise DomainError("The mapping needs a heading for: " + ", ".join(missing) + ".")
    normalised = [normalise_heading(h) for h in cleaned.values()]
    if len(set(normalised)) != len(normalised):
        raise DomainError("Each field needs a different heading.")
    mapping = ColumnMapping.objects.select_for_update().filter(service=service, name=name).first()
    before = mapping.headings if mapping else None
    if mapping is None:
        mapping = ColumnMapping(service=service, name=name)
    mapping.headings = cleaned
    mapping.created_by = mapping.created_by or (actor if getattr(actor, "is_authenticated", False) else None)
    mapping.updated_at = timezone.now()
    if mapping.pk:
        mapping.save(update_fields=["headings", "updated_at"])
    else:
        mapping.save()
    record_event(actor=actor, action="caseload.mapping_saved", obj=mapping, before=before, after=cleaned)
    return mapping


@transaction.atomic
def create_caseload_import(
    *,
    actor,
    enrolment: Enrolment,
    mapping: ColumnMapping | None,
    original_name: str,
    file_format: str,
    dry_run: bool,
    stored_name: str = "",
    profile=None,
    companions: dict | None = None,
) -> CaseloadImport:
    """Record that someone asked to import a contact export for `enrolment` (queued; the importer runs it).

    The audit trail shows who asked for which file, whether it was only a check, and with which mapping;
    the importer records the outcome on this row and audits the contacts it saves.
    """
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        mapping=mapping,
        mapping_name=(mapping.name if mapping else profile.name if profile else "")[:60],
        profile=profile,
        original_name=original_name[:200],
        stored_name=stored_name,
        companions=companions or {},
        file_format=file_format,
        dry_run=dry_run,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        actor=actor,
        action="caseload.import_requested",
        obj=job,
        after={
            "enrolment": enrolment.pk,
            "file": job.original_name,
            "format": file_format,
            "mapping": job.mapping_name,
            "profile": profile.code if profile else "",
            "dry_run": dry_run,
            **{f"{kind} file": part["name"] for kind, part in (companions or {}).items()},
        },
    )
    return job


@transaction.atomic
def decide_awaiting_import(*, actor, job: CaseloadImport, confirm: bool, message: str = "") -> CaseloadImport:
    """The person's answer to an upload that looked implausible (far beyond the trainee's ramp): confirmed,
    the job is queued again to import the kept file without the check; declined, the kept file is deleted
    and nothing is imported. Either way the answer is audited; an import no longer waiting cannot be
    answered."""
    from django.core.files.storage import default_storage

    job = CaseloadImport.objects.select_for_update().get(pk=job.pk)
    if job.status != CaseloadImport.Status.AWAITING or not job.stored_name:
        raise DomainError("This import is not waiting for a confirmation.")
    if confirm:
        job.status = CaseloadImport.Status.QUEUED
        job.save(update_fields=["status"])
    else:
        for name in [job.stored_name, *(part["stored"] for part in job.companions.values())]:
            default_storage.delete(name)
        job.status = CaseloadImport.Status.REJECTED
        job.stored_name = ""
        job.companions = {}
        job.message = message or "Not imported: you chose not to import this file. Nothing was saved."
        job.save(update_fields=["status", "stored_name", "companions", "message"])
    record_event(
        actor=actor,
        action="caseload.import_confirmed" if confirm else "caseload.import_declined",
        obj=job,
        after={"file": job.original_name},
    )
    return job


def decline_abandoned_imports(*, older_than_days: int = 14, now=None) -> int:
    """Decline uploads that have waited for a confirmation longer than `older_than_days` (their kept files
    are deleted, nothing is imported). Run daily by `manage.py decline_waiting_imports`; safe to run twice."""
    from datetime import timedelta

    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    waiting = CaseloadImport.objects.filter(status=CaseloadImport.Status.AWAITING, finished_at__lt=cutoff)
    declined = 0
    for job in waiting.only("pk").order_by("pk"):
        decide_awaiting_import(
            actor=None,
            job=job,
            confirm=False,
            message=f"Not imported: nobody confirmed this file within {older_than_days} days. Nothing was "
            "saved; upload it again to import it.",
        )
        declined += 1
    return declined
