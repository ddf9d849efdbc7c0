from django.contrib import admin

from accounts.admin_scoping import HeiScopedAdminMixin, ServiceAdminMixin, ServiceInlineMixin
from curriculum.models import (
    Cohort,
    Competence,
    CurriculumEdition,
    Intervention,
    Module,
    Programme,
    ProgrammeMembership,
    Route,
    RouteModule,
)
from curriculum.services import create_cohort, create_programme, update_cohort, update_programme


class ModuleInline(ServiceInlineMixin, admin.TabularInline):
    model = Module
    extra = 0


class RouteModuleInline(ServiceInlineMixin, admin.TabularInline):
    model = RouteModule
    extra = 0


@admin.register(CurriculumEdition)
class CurriculumEditionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["title", "edition_number", "published_on", "is_current"]
    inlines = [ModuleInline]


@admin.register(Route)
class RouteAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "edition", "code", "window_months"]
    inlines = [RouteModuleInline]


@admin.register(Intervention)
class InterventionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "core", "order"]


@admin.register(Competence)
class CompetenceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "edition", "module", "kind", "intervention"]
    list_filter = ["edition", "kind"]


class MembershipInline(ServiceInlineMixin, admin.TabularInline):
    model = ProgrammeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdminMixin, HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "hei"
    list_display = ["name", "code", "hei", "award", "level", "edition", "accreditation_status"]
    list_filter = ["accreditation_status", "award"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # its cohorts, trainees' records and accreditation history are kept

    def has_change_permission(self, request, obj=None):
        # Programme administrators change programmes on the product's pages; the back office (superusers)
        # may still correct one here, through the same service.
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def create_record(self, request, obj, changes):
        return create_programme(actor=request.user, fields=changes)

    def update_record(self, request, obj, changes):
        return update_programme(actor=request.user, programme=obj, changes=changes)


@admin.register(Cohort)
class CohortAdmin(ServiceAdminMixin, HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "programme__hei"
    list_display = ["name", "code", "programme", "intake", "start_date"]
    list_filter = ["programme"]
    search_fields = ["name", "code"]
    filter_horizontal = ["educators"]

    def has_delete_permission(self, request, obj=None):
        return False  # its trainees' enrolments and records are kept

    def has_change_permission(self, request, obj=None):
        # As for programmes: the pages for programme administrators, the same service for the back office.
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def create_record(self, request, obj, changes):
        return create_cohort(actor=request.user, fields=changes)

    def update_record(self, request, obj, changes):
        return update_cohort(actor=request.user, cohort=obj, changes=changes)
