"""The Django admin as a back office: lists scoped to the HEIs a programme administrator administers
(superusers see everything), and every save or deletion made through a service that audits it."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from accounts.models import OrganisationMembership
from accounts.services import DomainError, delete_record, save_record


class HeiScopedAdminMixin:
    hei_path: str = ""  # the lookup from the model to its HEI, e.g. "cohort__programme__hei"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        heis = OrganisationMembership.objects.filter(
            user=request.user, role=OrganisationMembership.Role.ADMINISTRATOR
        ).values("organisation")
        return queryset.filter(**{f"{self.hei_path}__in": heis})


def form_changes(form, change: bool) -> dict:
    """What an admin form sets on its record: every model field on a new record, the changed ones on an
    existing record (so the audit trail lists only what someone actually changed)."""
    model_fields = {f.name for f in form._meta.model._meta.get_fields() if f.concrete}
    names = form.changed_data if change else list(form.cleaned_data)
    return {
        name: form.cleaned_data[name] for name in names if name in model_fields and name in form.cleaned_data
    }


class ServiceAdminMixin:
    """Every save and deletion in the admin goes through a service that writes the audit trail.

    A model admin (and each inline, with `ServiceInlineMixin`) calls its services from `create_record`,
    `update_record` (given the record and the form's changes, field name -> value) and `delete_record`.
    The defaults save through `save_record`/`delete_record` with an event named after the model, for
    reference data with no service of its own. A `DomainError` from a service leaves nothing saved (the
    admin's view is one transaction) and is shown to the administrator, as the product's pages do.
    """

    def create_record(self, request, obj, changes):
        return save_record(actor=request.user, instance=obj, changes=changes, action=_action(obj, "created"))

    def update_record(self, request, obj, changes):
        return save_record(actor=request.user, instance=obj, changes=changes, action=_action(obj, "changed"))

    def delete_record(self, request, obj):
        delete_record(actor=request.user, instance=obj, action=_action(obj, "deleted"))

    def save_model(self, request, obj, form, change):
        changes = form_changes(form, change)
        saved = (
            self.update_record(request, obj, changes) if change else self.create_record(request, obj, changes)
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields went through the service with the record; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_record(request, obj)

    def save_formset(self, request, form, formset, change):
        inline = next(
            (i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model), None
        )
        owner = inline if isinstance(inline, ServiceInlineMixin) else ServiceInlineMixin()
        # The admin's history message reads these lists, which BaseModelFormSet.save() would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for child in formset.deleted_forms:
            if child.instance.pk:
                owner.delete_record(request, child.instance)
                formset.deleted_objects.append(child.instance)
        for child in formset.forms:
            if child in formset.deleted_forms or not child.has_changed():
                continue
            obj = child.save(commit=False)
            created = obj._state.adding
            changes = form_changes(child, not created)
            # The link to the parent is set by the formset, not by a field of the inline's form.
            changes[formset.fk.name] = formset.instance
            if created:
                formset.new_objects.append(owner.create_record(request, obj, changes))
            else:
                owner.update_record(request, obj, changes)
                formset.changed_objects.append((obj, child.changed_data))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # The view's transaction has been rolled back: nothing of this form was saved.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceInlineMixin:
    """An inline's rows saved through services, as `ServiceAdminMixin` describes."""

    def create_record(self, request, obj, changes):
        return save_record(actor=request.user, instance=obj, changes=changes, action=_action(obj, "created"))

    def update_record(self, request, obj, changes):
        return save_record(actor=request.user, instance=obj, changes=changes, action=_action(obj, "changed"))

    def delete_record(self, request, obj):
        delete_record(actor=request.user, instance=obj, action=_action(obj, "deleted"))


def _action(obj, verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"
