from django.contrib import admin
from django.db.models import Q

from accounts.admin_scoping import HeiScopedAdminMixin, ServiceAdminMixin, ServiceInlineMixin
from trainees.enrolment.services import assign_supervisor, enrol_trainee, update_assignment, update_enrolment
from trainees.enrolment.versions import bump_everyone, bump_matching
from trainees.models import Enrolment, SupervisionRules, SupervisorAssignment


class SupervisorAssignmentInline(ServiceInlineMixin, admin.TabularInline):
    model = SupervisorAssignment
    extra = 0
    autocomplete_fields = ["supervisor"]
    can_delete = False  # who supervised whom, and when, stays on record: end an assignment instead

    def create_record(self, request, obj, changes):
        return assign_supervisor(
            actor=request.user,
            enrolment=obj.enrolment,
            supervisor=obj.supervisor,
            kind=obj.kind,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
        )

    def update_record(self, request, obj, changes):
        return update_assignment(actor=request.user, assignment=obj, changes=changes)


@admin.register(Enrolment)
class EnrolmentAdmin(ServiceAdminMixin, HeiScopedAdminMixin, admin.ModelAdmin):
    hei_path = "cohort__programme__hei"
    list_display = ["user", "cohort", "route", "start_date", "employing_service", "band", "status"]
    list_filter = ["status", "route", "cohort__programme"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "cohort__code"]
    list_select_related = ["user", "cohort", "route", "employing_service"]
    autocomplete_fields = ["user"]
    inlines = [SupervisorAssignmentInline]

    # Withdrawal, transfer and change of route have their own pages, which keep the change's date and reason
    # in the enrolment's history; the admin shows these fields but does not change them.
    changed_on_pages = ("cohort", "route", "status")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *(self.changed_on_pages if obj else ("status",)))

    def has_delete_permission(self, request, obj=None):
        return False  # a trainee's record is kept: withdraw or complete the enrolment instead

    def create_record(self, request, obj, changes):
        enrolment = enrol_trainee(
            actor=request.user,
            user=obj.user,
            cohort=obj.cohort,
            route=obj.route,
            start_date=obj.start_date,
            employing_service=obj.employing_service,
            band=obj.band,
        )
        # Anything else the form set (a status, a completion date) is a correction made at once.
        rest = {name: value for name, value in changes.items() if getattr(enrolment, name) != value}
        if rest:
            enrolment = update_enrolment(actor=request.user, enrolment=enrolment, changes=rest)
        return enrolment

    def update_record(self, request, obj, changes):
        return update_enrolment(actor=request.user, enrolment=obj, changes=changes)


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Supervision rules are reference data: a programme may have its own, dated, beside the default."""

    list_display = ["name", "programme", "effective_from", "case_management_minutes_per_week"]
    list_filter = ["programme"]

    # The rules show in every portfolio they govern: a programme's own, or every programme's default.
    def create_record(self, request, obj, changes):
        saved = super().create_record(request, obj, changes)
        self._bump(saved)
        return saved

    def update_record(self, request, obj, changes):
        saved = super().update_record(request, obj, changes)
        self._bump(saved)
        return saved

    def _bump(self, rules):
        if rules.programme_id:
            bump_matching(Q(cohort__programme_id=rules.programme_id))
        else:
            bump_everyone()
