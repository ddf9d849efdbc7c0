"""Writes for attempts: submitting (with evidence), adding evidence, accepting mitigating circumstances."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import ConflictError, DomainError, record_event
from assessments.evidence import CheckedUpload, check_upload
from assessments.models import AssessmentComponent, Attempt, EvidenceFile, MitigatingCircumstances, SignOff
from assessments.selectors import allowed_attempts, assessment_rules
from curriculum.models import Competence, RouteModule
from trainees.access import access_to
from trainees.enrolment.versions import bump_records_version
from trainees.models import Enrolment


def _check_can_submit(actor, enrolment: Enrolment) -> None:
    if actor is None:
        return  # demo seeding and commands act as the system
    if actor.pk == enrolment.user_id:
        return
    if access_to(actor, enrolment).programme_role is None:
        raise DomainError("Only the trainee or staff on their programme can submit an attempt.")


def _checked_files(files: Sequence) -> list[CheckedUpload]:
    try:
        return [check_upload(upload) for upload in files]
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error


def _store_files(*, actor, attempt: Attempt, files: Sequence, checks: list[CheckedUpload], stored: list[str]):
    """Save each file through Django's storage under a server-chosen name, and record it. Every stored name is
    appended to `stored` at once, so the caller can delete the files if the transaction fails."""
    for upload, check in zip(files, checks, strict=True):
        evidence = EvidenceFile(
            attempt=attempt,
            original_name=check.original_name,
            content_type=check.content_type,
            size=check.size,
            sha256=check.sha256,
            uploaded_by=actor if actor is not None else attempt.submitted_by,
        )
        # Only the checked extension reaches evidence_upload_to; the uploader's name is a label.
        evidence.file.save(f"evidence{check.extension}", upload, save=False)
        stored.append(evidence.file.name)
        evidence.save()
        bump_records_version(attempt.enrolment_id)
        record_event(
            actor=actor,
            action="evidence.uploaded",
            obj=evidence,
            after={
                "attempt": attempt.pk,
                "name": check.original_name,
                "size": check.size,
                "sha256": check.sha256,
                "stored_as": evidence.file.name,
            },
        )


def _discard(stored: list[str]) -> None:
    """No orphaned file: delete what was stored when the transaction that would have recorded it failed."""
    for name in stored:
        EvidenceFile._meta.get_field("file").storage.delete(name)


def submit_attempt(
    *,
    actor,
    enrolment: Enrolment,
    component: AssessmentComponent,
    competence: Competence | None = None,
    method: str,
    submitted_on: date,
    note: str = "",
    files: Sequence = (),
) -> Attempt:
    """Record an attempt at a component (and competence), with its recordings or documents.

    Refused when the component is not on the trainee's route, an attempt is already waiting, the competence or
    component is already passed, or every allowed attempt is used (an administrator must first record accepted
    mitigating circumstances). Files are checked before anything is stored.
    """
    checks = _checked_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            attempt = _create_attempt(
                actor=actor,
                enrolment=enrolment,
                component=component,
                competence=competence,
                method=method,
                submitted_on=submitted_on,
                note=note,
            )
            _store_files(actor=actor, attempt=attempt, files=files, checks=checks, stored=stored)
    except BaseException:
        _discard(stored)
        raise
    return attempt


def _create_attempt(*, actor, enrolment, component, competence, method, submitted_on, note) -> Attempt:
    _check_can_submit(actor, enrolment)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise DomainError("This trainee has withdrawn: no further attempts can be recorded.")
    rules = assessment_rules(enrolment.cohort.programme)
    if rules is None or component.scheme_id != rules.scheme.pk:
        raise DomainError(f"“{component}” is not part of this programme's assessment scheme.")
    if not RouteModule.objects.filter(route_id=enrolment.route_id, module_id=component.module_id).exists():
        raise DomainError(f"“{component}” belongs to a module that is not on {enrolment.route}.")
    assessed = list(component.competences.all())
    if assessed and competence is None:
        raise DomainError("Choose the competence this attempt assesses.")
    if competence is not None and competence not in assessed:
        raise DomainError(f"“{component}” does not assess {competence}.")
    if method not in component.methods:
        raise DomainError(f"“{component}” is not assessed by {Attempt.Method(method).label.lower()}.")
    if submitted_on > timezone.localdate():
        raise DomainError("The date of the attempt cannot be in the future.")

    scope = Attempt.objects.filter(enrolment=enrolment, component=component, competence=competence)
    if scope.open().exists():
        raise DomainError(
            "An attempt is already waiting for marking. A resit opens once its marks are agreed."
        )
    if competence is not None:
        if SignOff.objects.current().filter(enrolment=enrolment, competence=competence).exists():
            raise DomainError(f"{competence} is already signed off.")
    elif scope.filter(outcome=Attempt.Outcome.PASSED).exists():
        raise DomainError(f"“{component}” is already passed.")
    used, allowed = allowed_attempts(enrolment, component, competence)
    if used >= allowed:
        raise DomainError(
            f"All {allowed} attempts allowed are used. A further attempt needs a programme administrator to "
            "record accepted mitigating circumstances."
        )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                enrolment=enrolment,
                component=component,
                competence=competence,
                number=used + 1,
                method=method,
                submitted_on=submitted_on,
                submitted_by=actor if actor is not None else enrolment.user,
                note=note.strip(),
            )
    except IntegrityError as error:
        raise ConflictError(
            "Someone else has just recorded an attempt here. Reload the page to see it."
        ) from error
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="attempt.submitted",
        obj=attempt,
        after={
            "enrolment": enrolment.pk,
            "component": component.code,
            "competence": competence.code if competence else None,
            "number": attempt.number,
            "of": allowed,
            "method": method,
            "submitted_on": submitted_on,
        },
    )
    return attempt


def add_evidence(*, actor, attempt: Attempt, files: Sequence) -> list[EvidenceFile]:
    """Attach more recordings or documents to an attempt that is still waiting for its first marking."""
    if not files:
        raise DomainError("Choose a file to upload.")
    checks = _checked_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            _check_can_submit(actor, locked.enrolment)
            if locked.status != Attempt.Status.SUBMITTED:
                raise ConflictError("This attempt has been marked: evidence can no longer be added.")
            _store_files(actor=actor, attempt=locked, files=files, checks=checks, stored=stored)
    except BaseException:
        _discard(stored)
        raise
    return list(EvidenceFile.objects.filter(file__in=stored))


@transaction.atomic
def record_mitigating_circumstances(
    *,
    actor,
    enrolment: Enrolment,
    component: AssessmentComponent,
    competence: Competence | None = None,
    reason: str,
    accepted_on: date,
) -> MitigatingCircumstances:
    """A programme administrator records accepted mitigating circumstances, which allows one further attempt.

    Only once every allowed attempt is used and the last one failed.
    """
    if not access_to(actor, enrolment).can("record_mitigation"):
        raise DomainError("Only a programme administrator can record accepted mitigating circumstances.")
    if not reason.strip():
        raise DomainError("Say what the mitigating circumstances are.")
    if accepted_on > timezone.localdate():
        raise DomainError("The date the circumstances were accepted cannot be in the future.")
    latest = (
        Attempt.objects.filter(enrolment=enrolment, component=component, competence=competence)
        .order_by("-number")
        .first()
    )
    used, allowed = allowed_attempts(enrolment, component, competence)
    if latest is None or latest.outcome != Attempt.Outcome.FAILED or used < allowed:
        raise DomainError("An attempt is still available here: mitigating circumstances are not needed yet.")
    mitigation = MitigatingCircumstances.objects.create(
        enrolment=enrolment,
        component=component,
        competence=competence,
        reason=reason.strip(),
        accepted_on=accepted_on,
        recorded_by=actor,
    )
    bump_records_version(enrolment)
    record_event(
        actor=actor,
        action="attempt.mitigation_accepted",
        obj=mitigation,
        message=reason.strip(),
        before={"attempts_allowed": allowed},
        after={
            "attempts_allowed": allowed + 1,
            "enrolment": enrolment.pk,
            "component": component.code,
            "competence": competence.code if competence else None,
            "accepted_on": accepted_on,
        },
    )
    return mitigation
