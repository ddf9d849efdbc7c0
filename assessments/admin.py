"""Django admin for assessments: reference data and records to read; changes go through the services.

Rules are data kept in fixtures/assessments.json (load_reference_data), so the admin only shows them.
Attempts, sign-offs, reopenings, evidence and mitigating circumstances are changed only through the product's
pages, which audit every change; the database refuses to change signed records in any case.
"""

from django.contrib import admin, messages

from accounts.services import DomainError
from assessments.models import (
    AssessmentComponent,
    AssessmentScheme,
    Attempt,
    AttemptRating,
    EvidenceFile,
    MarkingCriterion,
    MarkingScheme,
    MitigatingCircumstances,
    ProgrammeAssessmentSettings,
    RatingLevel,
    RatingScale,
    SignOff,
    SignOffReopening,
)
from assessments.services import configure_programme_assessment


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class RatingLevelInline(ReadOnlyInline):
    model = RatingLevel


@admin.register(RatingScale)
class RatingScaleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [RatingLevelInline]


class MarkingCriterionInline(ReadOnlyInline):
    model = MarkingCriterion


@admin.register(MarkingScheme)
class MarkingSchemeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "minimum_level", "pass_total"]
    inlines = [MarkingCriterionInline]


class ComponentInline(ReadOnlyInline):
    model = AssessmentComponent
    fields = ["module", "code", "name", "kind", "marking", "marking_scheme", "pass_mark", "methods"]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "edition", "is_default", "attempts_allowed", "moderation_sample_percent"]
    list_filter = ["edition"]
    inlines = [ComponentInline]


@admin.register(ProgrammeAssessmentSettings)
class ProgrammeAssessmentSettingsAdmin(admin.ModelAdmin):
    """A programme's scheme, attempts and moderation sample, saved through the audited service."""

    list_display = ["programme", "scheme", "attempts_allowed", "moderation_sample_percent", "updated_at"]
    fields = ["programme", "scheme", "attempts_allowed", "moderation_sample_percent"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["programme"] if obj else []

    def save_model(self, request, obj, form, change):
        try:
            saved = configure_programme_assessment(
                actor=request.user,
                programme=obj.programme,
                scheme=obj.scheme,
                attempts_allowed=obj.attempts_allowed,
                moderation_sample_percent=obj.moderation_sample_percent,
            )
        except DomainError as error:
            messages.error(request, str(error))
            return
        obj.pk = saved.pk


class RatingInline(ReadOnlyInline):
    model = AttemptRating


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrolment", "component", "competence", "number", "status", "outcome", "submitted_on"]
    list_filter = ["status", "outcome", "component__scheme"]
    list_select_related = ["enrolment__user", "enrolment__cohort", "component", "competence"]
    search_fields = ["enrolment__user__username", "enrolment__user__last_name"]
    inlines = [RatingInline, EvidenceInline]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrolment", "competence", "signed_by", "signed_by_role", "signed_at", "method"]
    list_filter = ["signed_by_role", "method"]
    list_select_related = ["enrolment__user", "enrolment__cohort", "competence", "signed_by"]
    search_fields = ["enrolment__user__username", "enrolment__user__last_name", "marks_sha256"]


@admin.register(SignOffReopening)
class SignOffReopeningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sign_off", "reopened_by", "reopened_at", "reason"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "attempt", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]  # downloads go only through the access-checked, audited view


@admin.register(MitigatingCircumstances)
class MitigatingCircumstancesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrolment", "component", "competence", "accepted_on", "recorded_by"]
