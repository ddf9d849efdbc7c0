"""Forms for the programme administrators' pages: programmes, cohorts and the people on a programme."""

from django import forms

from accounts.models import Organisation
from core.forms import DateInput, DeidentifiedForm, DeidentifiedModelForm
from curriculum.models import Cohort, Programme, ProgrammeMembership, Route

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


class RouteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.edition.title})"


class ProgrammeForm(DeidentifiedModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "code",
            "hei",
            "award",
            "level",
            "edition",
            "accreditation_status",
            "accredited_until",
            "routes_offered",
            "late_minutes_recorded",
            "marking_return_working_days",
        ]
        labels = {
            "code": "Short code",
            "edition": "Curriculum edition",
            "routes_offered": "Routes offered",
            "marking_return_working_days": "Marking return period (working days)",
        }
        help_texts = {
            "code": "Letters, numbers and hyphens, used in web addresses, e.g. uon-pgcert.",
            "routes_offered": "Routes of the chosen curriculum edition. Choose none to offer all of them.",
        }
        field_classes = {"routes_offered": RouteChoiceField}
        widgets = {
            "accredited_until": DateInput,
            "routes_offered": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, heis=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hei"].queryset = heis if heis is not None else Organisation.objects.none()
        self.fields["hei"].empty_label = None
        self.fields["edition"].empty_label = None
        self.fields["routes_offered"].queryset = Route.objects.select_related("edition").order_by(
            "edition__title", "name"
        )
        self.fields["late_minutes_recorded"] = forms.TypedChoiceField(
            label="Lateness",
            choices=[
                (True, "Record lateness with the minutes missed"),
                (False, "Record lateness without minutes"),
            ],
            coerce=lambda value: value in (True, "True"),
            required=False,
            empty_value=True,
            widget=forms.RadioSelect,
            initial=self.instance.late_minutes_recorded if self.instance.pk else True,
            help_text="Whether a register asks how many minutes someone missed when late or leaving early.",
        )
        if self.instance.pk:
            # The code is in every address and file name already shared; it never changes.
            del self.fields["code"]


class CohortForm(DeidentifiedModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "code", "intake", "start_date", "routes", "teaching_weekdays", "educators"]
        labels = {
            "code": "Short code",
            "intake": "Intake",
            "start_date": "Start date",
            "routes": "Routes",
        }
        help_texts = {
            "code": "Letters, numbers and hyphens, used in web addresses, e.g. uon-2027-jan.",
            "start_date": "The intake date: the first day of the course for this cohort.",
            "routes": "The routes trainees on this cohort follow. Choose none for every route the programme "
            "offers.",
            "educators": "Educators who teach this cohort (people on the programme).",
        }
        widgets = {
            "start_date": DateInput,
            "educators": forms.CheckboxSelectMultiple,
            "routes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, programme=None, **kwargs):
        from curriculum.selectors import routes_offered

        super().__init__(*args, **kwargs)
        members = ProgrammeMembership.objects.filter(programme=programme).values("user")
        self.fields["educators"].queryset = self.fields["educators"].queryset.filter(pk__in=members)
        self.fields["routes"].queryset = routes_offered(programme)
        self.fields["teaching_weekdays"] = forms.TypedMultipleChoiceField(
            label="Teaching pattern",
            choices=WEEKDAYS,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=self.instance.teaching_weekdays if self.instance.pk else [],
            help_text="The days of the week this cohort is taught. Planning its teaching days starts here.",
        )
        if self.instance.pk:
            del self.fields["code"]


class MemberForm(DeidentifiedForm):
    ROLES = [
        ("educator", "Educator"),
        ("programme_lead", "Programme lead"),
        ("administrator", "Programme administrator (for every programme of the education provider)"),
    ]
    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=ROLES, widget=forms.RadioSelect)


class DeadlinesForm(DeidentifiedForm):
    """One date per assessment component of the programme's scheme: the cohort's submission deadlines."""

    def __init__(self, *args, components=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.components = list(components)
        for component in self.components:
            self.fields[f"component_{component.pk}"] = forms.DateField(
                label=f"{component.name} (module {component.module.number})",
                required=False,
                widget=DateInput,
                initial=current.get(component.pk),
                help_text="Leave empty for no deadline.",
            )

    def deadlines(self) -> dict:
        """{component id: date or None} from the cleaned form."""
        return {c.pk: self.cleaned_data.get(f"component_{c.pk}") for c in self.components}
