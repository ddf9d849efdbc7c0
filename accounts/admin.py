from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.admin_scoping import ServiceAdminMixin
from accounts.models import AuditEvent, Organisation, OrganisationMembership, User
from accounts.services import deactivate_user, grant_organisation_role, record_event


@admin.register(User)
class UserAdmin(ServiceAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def has_delete_permission(self, request, obj=None):
        # People stay in the records they signed and the audit trail: deactivate them instead.
        return False

    def user_change_password(self, request, id, form_url=""):
        # Django's own form sets the password; the audit trail says who set it, never what it is.
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record_event(actor=request.user, action="user.password_set", obj=User.objects.get(pk=id))
        return response

    def update_record(self, request, obj, changes):
        if changes.get("is_active") is False and User.objects.filter(pk=obj.pk, is_active=True).exists():
            # Deactivating someone also ends every session they have open, as the product's page does.
            changes = {name: value for name, value in changes.items() if name != "is_active"}
            deactivate_user(actor=request.user, user=User.objects.get(pk=obj.pk))
            obj.is_active = False
        return super().update_record(request, obj, changes)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # enrolments, programmes and imports refer to it


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    def create_record(self, request, obj, changes):
        # The same service as the command line: an administrator also joins the administrators' group.
        return grant_organisation_role(
            actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read the audit trail; nobody, administrators included, can add, change or delete a line."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "message"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
