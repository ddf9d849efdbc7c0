"""Workforce records in the back office. Every save goes through `workforce.services`, so the admin keeps the
same checks and audit trail as the pages. Lists are limited to the services a person administers (the access
policy's `services_administered_by`); superusers see everything.

Diversity answers are not here at all, and an application's equal opportunities answers are neither shown,
listed nor filtered on: nobody can list people by an answer.
"""

from django.contrib import admin

from accounts.admin_scoping import ServiceAdminMixin
from accounts.services import DomainError
from trainees.access import services_administered_by
from workforce import services
from workforce.models import (
    DIVERSITY_DIMENSIONS,
    Application,
    ApplicationOutcome,
    Correction,
    EligibilityCriterion,
    EligibilityRuleSet,
    Post,
    PostProposal,
    Practitioner,
    Recruitment,
    ServiceStaffing,
)


class ServiceScopedAdminMixin:
    service_path = "service"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.service_path}__in": services_administered_by(request.user)})


@admin.register(Practitioner)
class PractitionerAdmin(ServiceAdminMixin, ServiceScopedAdminMixin, admin.ModelAdmin):
    service_path = "posts__service"
    list_display = ["user", "prior_background", "qualified_on", "qualifying_cohort"]
    list_filter = ["prior_background"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "prior_background", "qualified_on", "qualifying_cohort"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_delete_permission(self, request, obj=None):
        return False  # their posts are the workforce figures' history

    def create_record(self, request, obj, changes):
        practitioner = services.practitioner_for(actor=request.user, user=changes.pop("user"))
        return services.change_practitioner(actor=request.user, practitioner=practitioner, changes=changes)

    def update_record(self, request, obj, changes):
        changes.pop("user", None)
        return services.change_practitioner(actor=request.user, practitioner=obj, changes=changes)


@admin.register(Post)
class PostAdmin(ServiceAdminMixin, ServiceScopedAdminMixin, admin.ModelAdmin):
    list_display = ["practitioner", "job_title", "band", "service", "starts_on", "ends_on", "destination"]
    list_filter = ["band", "kind", "destination"]
    list_select_related = ["practitioner__user", "service"]
    search_fields = ["practitioner__user__username", "job_title"]
    raw_id_fields = ["practitioner"]
    exclude = ["recorded_by", "recorded_at"]

    def create_record(self, request, obj, changes):
        return services.record_post(actor=request.user, **changes)

    def update_record(self, request, obj, changes):
        if {"practitioner", "service"} & set(changes):
            raise DomainError("A post stays with its person and service: end it and record a new one.")
        return services.change_post(actor=request.user, post=obj, changes=changes)


@admin.register(ServiceStaffing)
class ServiceStaffingAdmin(ServiceAdminMixin, ServiceScopedAdminMixin, admin.ModelAdmin):
    list_display = ["service", "counted_on", "high_intensity_headcount", "pwp_share_target"]
    exclude = ["recorded_by", "recorded_at"]

    def create_record(self, request, obj, changes):
        values = {
            name: changes.get(name, getattr(obj, name))
            for name in ("service", "counted_on", "high_intensity_headcount", "pwp_share_target")
        }
        return services.record_staffing(actor=request.user, **values)

    update_record = create_record


@admin.register(Recruitment)
class RecruitmentAdmin(ServiceAdminMixin, ServiceScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "service", "opens_on", "closes_on", "posts_offered"]
    list_select_related = ["service"]
    exclude = ["recorded_by", "recorded_at"]

    def create_record(self, request, obj, changes):
        return services.change_recruitment(actor=request.user, recruitment=obj, changes=changes)

    update_record = create_record


class ApplicationOutcomeInline(admin.TabularInline):
    """The application's dated outcomes, to read: a new outcome is saved through the services (changing the
    outcome above records today's step), and no step is ever changed or deleted."""

    model = ApplicationOutcome
    fields = ["decided_on", "outcome", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ServiceAdminMixin, ServiceScopedAdminMixin, admin.ModelAdmin):
    """Reference, background and outcome only: the equal opportunities answers are the applicant's."""

    service_path = "recruitment__service"
    list_display = ["reference", "recruitment", "prior_background", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["recruitment"]
    search_fields = ["reference"]
    fields = ["recruitment", "reference", "prior_background", "outcome"]
    inlines = [ApplicationOutcomeInline]

    def lookup_allowed(self, lookup, value, request=None):
        # The admin would otherwise filter on any of the model's own fields from the address bar.
        if lookup.split("__")[0] in DIVERSITY_DIMENSIONS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def create_record(self, request, obj, changes):
        return services.change_application(actor=request.user, application=obj, changes=changes)

    update_record = create_record


class ReadOnlyAdmin(ServiceScopedAdminMixin, admin.ModelAdmin):
    """Decided on the product's pages (with their checks); here to be looked up only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["practitioner", "service", "status", "suggested_at", "decided_at"]
    list_filter = ["status"]


@admin.register(PostProposal)
class PostProposalAdmin(ReadOnlyAdmin):
    service_path = "enrolment__employing_service"
    list_display = ["enrolment", "decision", "decided_by", "decided_at"]


class EligibilityCriterionInline(admin.StackedInline):
    model = EligibilityCriterion
    extra = 0


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Reference data (loaded from fixtures/workforce.json); a new reading is a new version."""

    list_display = ["name", "code", "version", "purpose", "effective_from", "effective_to"]
    list_filter = ["purpose"]
    inlines = [EligibilityCriterionInline]

    def has_delete_permission(self, request, obj=None):
        return False
