"""Administrators edit the notification kinds (rules as data): who receives each, how urgent it is, when, how
it reaches people by e-mail until they choose otherwise, and whether it is on. The condition a kind watches is
fixed by the code that reads it, so it cannot be changed here, and kinds are not added or deleted here (they
come from fixtures/notifications.json)."""

from django import forms
from django.contrib import admin

from accounts.admin_scoping import ServiceAdminMixin
from core.forms import DeidentifiedModelForm
from notifications.models import NotificationKind
from notifications.reference import ROLES
from notifications.sources import LOOK_AHEAD_CONDITIONS, LOOK_AHEAD_DAYS


class NotificationKindForm(DeidentifiedModelForm):
    class Meta:
        model = NotificationKind
        fields = [
            "name",
            "description",
            "recipients",
            "urgency",
            "timing",
            "days",
            "default_frequency",
            "enabled",
            "order",
        ]

    deidentify_exempt = {"recipients": "role codes, checked against the known roles in clean_recipients"}

    def clean_recipients(self):
        roles = [r.strip() for r in self.cleaned_data["recipients"].split(",") if r.strip()]
        unknown = sorted(set(roles) - ROLES)
        if unknown:
            raise forms.ValidationError(
                f"Unknown recipients: {', '.join(unknown)}. Use any of: {', '.join(sorted(ROLES))}."
            )
        if not roles:
            raise forms.ValidationError("Name at least one kind of recipient.")
        return ",".join(roles)

    def clean(self):
        data = super().clean()
        timing, days = data.get("timing"), data.get("days")
        if timing in (NotificationKind.Timing.BEFORE, NotificationKind.Timing.REPEAT) and not days:
            self.add_error("days", "Give a number of days for this timing.")
        if (
            self.instance.condition in LOOK_AHEAD_CONDITIONS
            and timing == NotificationKind.Timing.BEFORE
            and days
            and days > LOOK_AHEAD_DAYS
        ):
            self.add_error(
                "days", f"The daily pass looks at most {LOOK_AHEAD_DAYS} days ahead for this kind."
            )
        return data


@admin.register(NotificationKind)
class NotificationKindAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = NotificationKindForm
    list_display = ["name", "recipients", "urgency", "timing", "days", "default_frequency", "enabled"]
    list_filter = ["enabled", "urgency", "timing", "default_frequency"]
    readonly_fields = ["code", "condition"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
