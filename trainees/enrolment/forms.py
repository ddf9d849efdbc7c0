"""Forms for people over time: withdrawing a trainee, transferring them to another cohort, changing route.

Each is filled in, then shown back for confirmation before the service makes the change."""

from django import forms
from django.utils import timezone

from core.dates import long_date
from core.forms import DateInput, DeidentifiedForm
from curriculum.models import Cohort, Route

DATE_WIDGET = DateInput()


class _ChangeForm(DeidentifiedForm):
    on = forms.DateField(
        label="Date of the change",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date of the change",
            "invalid": "Enter the date of the change as a real date, for example 17/3/2027",
        },
    )
    reason = forms.CharField(
        label="Reason",
        error_messages={"required": "Give the reason for the change."},
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the trainee's record. Do not give health or other personal details.",
    )

    def __init__(self, *args, enrolment, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on < self.enrolment.start_date:
            raise forms.ValidationError(
                f"The date cannot be before {self.enrolment.user.display_name} started, "
                f"on {long_date(self.enrolment.start_date)}."
            )
        return on

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for the change.")
        return reason


class WithdrawForm(_ChangeForm):
    pass


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.programme.name}, starts {long_date(obj.start_date)})"


class TransferForm(_ChangeForm):
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        label="Cohort to move to",
        empty_label=None,
        error_messages={
            "required": "Choose the cohort to move to",
            "invalid_choice": "Choose one of the cohorts listed: you do not run that cohort, or it follows "
            "another curriculum",
        },
    )
    field_order = ["cohort", "on", "reason"]

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class RouteChangeForm(_ChangeForm):
    route = forms.ModelChoiceField(
        queryset=Route.objects.none(),
        label="New route",
        empty_label=None,
        error_messages={
            "required": "Choose the new route",
            "invalid_choice": "Choose one of the routes listed: the cohort does not offer that route",
        },
    )
    field_order = ["route", "on", "reason"]

    def __init__(self, *args, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = routes
