"""Writes for a programme's assessment settings (scheme, attempts allowed, moderation sample)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.services import DomainError, record_event
from assessments.models import AssessmentScheme, ProgrammeAssessmentSettings
from curriculum.models import Programme
from trainees.access import staff_access
from trainees.enrolment.versions import bump_matching


@transaction.atomic
def configure_programme_assessment(
    *,
    actor,
    programme: Programme,
    scheme: AssessmentScheme,
    attempts_allowed: int,
    moderation_sample_percent: int,
) -> ProgrammeAssessmentSettings:
    """Choose a programme's assessment scheme and numbers (the programme administrator or lead)."""
    if actor is not None and not actor.is_superuser:
        access = staff_access(actor)
        if not access.can("change_assessment_settings", programme):
            raise DomainError(access.refusal("change_assessment_settings"))
    if scheme.edition_id != programme.edition_id:
        raise DomainError(f"“{scheme}” is for another curriculum edition than {programme}.")
    if attempts_allowed < 1:
        raise DomainError("At least one attempt must be allowed.")
    if not 0 <= moderation_sample_percent <= 100:
        raise DomainError("The moderation sample is a percentage between 0 and 100.")
    settings_row = ProgrammeAssessmentSettings.objects.filter(programme=programme).first()
    before = None
    if settings_row is None:
        settings_row = ProgrammeAssessmentSettings(programme=programme)
    else:
        before = {
            "scheme": settings_row.scheme.code,
            "attempts_allowed": settings_row.attempts_allowed,
            "moderation_sample_percent": settings_row.moderation_sample_percent,
        }
    settings_row.scheme = scheme
    settings_row.attempts_allowed = attempts_allowed
    settings_row.moderation_sample_percent = moderation_sample_percent
    settings_row.updated_at = timezone.now()
    if before is None:
        settings_row.save()
    else:
        settings_row.save(
            update_fields=["scheme", "attempts_allowed", "moderation_sample_percent", "updated_at"]
        )
    bump_matching(Q(cohort__programme=programme))  # attempts allowed show in every portfolio
    record_event(
        actor=actor,
        action="assessment_settings.changed",
        obj=settings_row,
        before=before,
        after={
            "scheme": scheme.code,
            "attempts_allowed": attempts_allowed,
            "moderation_sample_percent": moderation_sample_percent,
        },
    )
    return settings_row
