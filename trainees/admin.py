from django.contrib import admin

from accounts.admin_scoping import HeiScopedAdminMixin
from trainees.models import Enrolment, SupervisionRules, SupervisorAssignment


class SupervisorAssignmentInline(admin.TabularInline):
    model = SupervisorAssignment
    extra = 0
    autocomplete_fields = ["supervisor"]


@admin.register(Enrolment)
class EnrolmentAdmin(HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "cohort__programme__hei"
    list_display = ["user", "cohort", "route", "start_date", "employing_service", "band", "status"]
    list_filter = ["status", "route", "cohort__programme"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "cohort__code"]
    list_select_related = ["user", "cohort", "route", "employing_service"]
    autocomplete_fields = ["user"]
    inlines = [SupervisorAssignmentInline]


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(admin.ModelAdmin):
    """Supervision rules are reference data: a programme may have its own, dated, beside the default."""

    list_display = ["name", "programme", "effective_from", "case_management_minutes_per_week"]
    list_filter = ["programme"]
