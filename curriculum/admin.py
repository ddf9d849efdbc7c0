from django.contrib import admin

from accounts.admin_scoping import HeiScopedAdminMixin
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


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class RouteModuleInline(admin.TabularInline):
    model = RouteModule
    extra = 0


@admin.register(CurriculumEdition)
class CurriculumEditionAdmin(admin.ModelAdmin):
    list_display = ["title", "edition_number", "published_on", "is_current"]
    inlines = [ModuleInline]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "code", "window_months"]
    inlines = [RouteModuleInline]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "core", "order"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "module", "kind", "intervention"]
    list_filter = ["edition", "kind"]


class MembershipInline(admin.TabularInline):
    model = ProgrammeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "hei"
    list_display = ["name", "code", "hei", "award", "level", "edition", "accreditation_status"]
    list_filter = ["accreditation_status", "award"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Cohort)
class CohortAdmin(HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "programme__hei"
    list_display = ["name", "code", "programme", "intake", "start_date"]
    list_filter = ["programme"]
    search_fields = ["name", "code"]
    filter_horizontal = ["educators"]
