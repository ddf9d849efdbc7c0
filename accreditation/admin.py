from django.contrib import admin

from accounts.admin_scoping import HeiScopedAdminMixin
from accreditation.models import Visit, VisitAssignment


class VisitAssignmentInline(admin.TabularInline):
    model = VisitAssignment
    extra = 0
    autocomplete_fields = ["visitor"]


@admin.register(Visit)
class VisitAdmin(HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "programme__hei"
    list_display = ["title", "programme", "kind", "starts_on", "ends_on"]
    list_filter = ["kind", "programme"]
    inlines = [VisitAssignmentInline]
