"""Forms for the programme administrators' pages: programmes, cohorts and the people on a programme."""

from django import forms

from accounts.models import Organisation
from curriculum.models import Cohort, Programme, ProgrammeMembership


class DateInput(forms.DateInput):
    """A browser date picker; it accepts only ISO dates, so the saved value is given back as one (in the
    locale's format the field showed empty, and saving the page blanked it)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class ProgrammeForm(forms.ModelForm):
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
            "marking_return_working_days",
        ]
        labels = {
            "code": "Short code",
            "edition": "Curriculum edition",
            "marking_return_working_days": "Marking return period (working days)",
        }
        help_texts = {"code": "Letters, numbers and hyphens, used in web addresses, e.g. uon-pgcert."}
        widgets = {"accredited_until": DateInput}

    def __init__(self, *args, heis=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hei"].queryset = heis if heis is not None else Organisation.objects.none()
        self.fields["hei"].empty_label = None
        self.fields["edition"].empty_label = None
        if self.instance.pk:
            # The code is in every address and file name already shared; it never changes.
            del self.fields["code"]


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "code", "intake", "start_date", "educators"]
        labels = {"code": "Short code", "intake": "Intake", "start_date": "Start date"}
        help_texts = {
            "code": "Letters, numbers and hyphens, used in web addresses, e.g. uon-2027-jan.",
            "educators": "Educators who teach this cohort (people on the programme).",
        }
        widgets = {"start_date": DateInput, "educators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = ProgrammeMembership.objects.filter(programme=programme).values("user")
        self.fields["educators"].queryset = self.fields["educators"].queryset.filter(pk__in=members)
        if self.instance.pk:
            del self.fields["code"]


class MemberForm(forms.Form):
    ROLES = [
        ("educator", "Educator"),
        ("programme_lead", "Programme lead"),
        ("administrator", "Programme administrator (for every programme of the education provider)"),
    ]
    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=ROLES, widget=forms.RadioSelect)


class DeadlinesForm(forms.Form):
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
