from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join

from accounts.admin_scoping import HeiScopedAdminMixin, ServiceAdminMixin, ServiceInlineMixin
from accounts.services import DomainError
from accreditation.engine import KINDS
from accreditation.models import Criterion, Scheme, SchemeVersion, Visit, VisitAssignment
from accreditation.portfolio.visits import add_visitor, delete_visit, remove_visitor, save_visit
from accreditation.services import copy_scheme_version, save_scheme, save_scheme_version
from core.forms import DeidentifiedModelForm


class VisitAssignmentInline(ServiceInlineMixin, admin.TabularInline):
    model = VisitAssignment
    extra = 0
    autocomplete_fields = ["visitor"]

    def create_record(self, request, obj, changes):
        return add_visitor(actor=request.user, assignment=obj, changes=changes)

    update_record = create_record

    def delete_record(self, request, obj):
        remove_visitor(actor=request.user, assignment=obj)


@admin.register(Visit)
class VisitAdmin(ServiceAdminMixin, HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "programme__hei"
    list_display = ["title", "programme", "kind", "starts_on", "ends_on"]
    list_filter = ["kind", "programme"]
    inlines = [VisitAssignmentInline]

    def create_record(self, request, obj, changes):
        return save_visit(actor=request.user, visit=obj, changes=changes)

    update_record = create_record

    def delete_record(self, request, obj):
        delete_visit(actor=request.user, visit=obj)


def kind_choices():
    return [(code, f"{code} – {k.label}") for code, k in sorted(KINDS.items())]


class CriterionForm(DeidentifiedModelForm):
    """The kind is chosen from the engine's registry; `Criterion.clean()` checks the parameters."""

    kind = forms.ChoiceField(choices=kind_choices)

    class Meta:
        model = Criterion
        fields = ["order", "stage", "code", "kind", "parameters", "target", "description"]


class CriterionInline(ServiceInlineMixin, admin.StackedInline):
    model = Criterion
    form = CriterionForm
    extra = 0


class SchemeVersionInline(ServiceInlineMixin, admin.TabularInline):
    model = SchemeVersion
    extra = 0
    fields = ["version", "effective_from", "effective_to", "renewal_months"]
    show_change_link = True
    can_delete = False  # portfolios were assessed against it

    def create_record(self, request, obj, changes):
        return save_scheme_version(actor=request.user, version=obj, changes=changes)

    update_record = create_record


@admin.register(Scheme)
class SchemeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "body", "kind", "order"]
    list_filter = ["kind", "body"]
    search_fields = ["name", "code"]
    inlines = [SchemeVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # portfolios and readiness reports refer to its versions

    def create_record(self, request, obj, changes):
        return save_scheme(actor=request.user, scheme=obj, changes=changes)

    update_record = create_record


@admin.action(description="Copy as a new version starting today")
def copy_as_new_version(modeladmin, request, queryset):
    today = timezone.localdate()
    for version in queryset.select_related("scheme"):
        try:
            copy = copy_scheme_version(
                actor=request.user, version=version, new_version=f"{today:%Y-%m-%d}", effective_from=today
            )
        except DomainError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
        else:
            modeladmin.message_user(request, f"Added {copy}: edit its criteria and dates.", messages.SUCCESS)


def _describe_param(param) -> str:
    text = param.name + (" (required)" if param.required else "")
    if param.choices:
        text += ": " + ", ".join(map(str, param.choices))
    return text


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["scheme", "version", "effective_from", "effective_to", "renewal_months"]
    list_filter = ["scheme"]
    list_select_related = ["scheme"]
    inlines = [CriterionInline]
    actions = [copy_as_new_version]
    readonly_fields = ["criterion_kinds"]

    def has_delete_permission(self, request, obj=None):
        return False  # portfolios were assessed against it

    def create_record(self, request, obj, changes):
        return save_scheme_version(actor=request.user, version=obj, changes=changes)

    update_record = create_record

    @admin.display(description="Kinds of criterion the engine knows")
    def criterion_kinds(self, obj=None):
        rows = []
        for code, k in sorted(KINDS.items()):
            params = "; ".join(_describe_param(p) for p in k.params)
            rows.append(
                (code, k.label, params or "no parameters", "a target" if k.needs_target else "no target")
            )
        return format_html_join("", "<p><b>{}</b>: {} – parameters: {}; needs {}.</p>", rows)
