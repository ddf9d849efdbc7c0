"""Forms for submitting, marking, moderating and reopening. They read input; the services decide."""

from django import forms
from django.utils import timezone

from assessments.evidence import ALLOWED_DESCRIPTION, ALLOWED_TYPES, max_upload_bytes
from assessments.models import AssessmentComponent, Attempt, Method
from assessments.selectors import STATUS_LABELS
from core.forms import DateInput, DeidentifiedForm
from curriculum.models import Competence


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True
    template_name = "django/forms/widgets/input.html"


class MultipleFileField(forms.FileField):
    """Several files in one field; the services check each one (type, size and content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(ALLOWED_TYPES)}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        return [single(item, initial) for item in items]


def evidence_help() -> str:
    megabytes = max_upload_bytes() // (1024 * 1024)
    return f"{ALLOWED_DESCRIPTION}, up to {megabytes} MB each. You can choose more than one file."


class SubmitAttemptForm(DeidentifiedForm):
    """What is assessed (component, and competence for clinical assessments), how, when, and the evidence."""

    target = forms.ChoiceField(
        label="What is being assessed", error_messages={"required": "Choose what is being assessed."}
    )
    method = forms.ChoiceField(label="How it was assessed", choices=Method.choices)
    submitted_on = forms.DateField(
        label="Date of the attempt",
        widget=DateInput,
        error_messages={"required": "Enter the date of the attempt.", "invalid": "Enter a real date."},
    )
    note = forms.CharField(
        label="Note for the marker (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not include anything that could identify a patient.",
    )
    files = MultipleFileField(label="Recording or document (optional)", required=False)

    def __init__(self, *args, components, available: set[tuple[int, int | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()
        self.fields["submitted_on"].initial = timezone.localdate()
        self._components = {c.pk: c for c in components}
        choices = []
        for component in components:
            competences = list(component.competences.all())
            group = f"Module {component.module.number}"
            if competences:
                options = [
                    (f"{component.pk}:{c.pk}", f"{component.name}: {c.name}")
                    for c in competences
                    if (component.pk, c.pk) in available
                ]
            else:
                options = [(f"{component.pk}:", component.name)] if (component.pk, None) in available else []
            if options:
                choices.append((group, options))
        merged: dict[str, list] = {}
        for group, options in choices:
            merged.setdefault(group, []).extend(options)
        self.fields["target"].choices = [("", "Choose a component")] + list(merged.items())

    def clean_target(self):
        component_id, _, competence_id = self.cleaned_data["target"].partition(":")
        component = self._components.get(int(component_id))
        if component is None:
            raise forms.ValidationError("Choose a component from the list.")
        competence = None
        if competence_id:
            competence = next((c for c in component.competences.all() if c.pk == int(competence_id)), None)
            if competence is None:
                raise forms.ValidationError("Choose a component from the list.")
        self.cleaned_data["component"] = component
        self.cleaned_data["competence"] = competence
        return self.cleaned_data["target"]


class EvidenceForm(DeidentifiedForm):
    files = MultipleFileField(
        label="Recording or document", required=True, error_messages={"required": "Choose a file to upload."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()


class MarkForm(DeidentifiedForm):
    """First marking: one rating per competency item, a percentage, or pass/fail, as the component says."""

    feedback = forms.CharField(
        label="Feedback for the trainee",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Released to the trainee, with the marks, on the release date.",
    )
    release_on = forms.DateField(
        label="Release date",
        widget=DateInput,
        help_text="The day the agreed marks and feedback are shown to the trainee.",
    )

    def __init__(self, *args, attempt: Attempt, criteria=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        self.criteria = list(criteria)
        self.fields["release_on"].initial = timezone.localdate()
        marking = attempt.component.marking
        fields = {}
        if marking == AssessmentComponent.Marking.CRITERIA:
            level_choices = [("", "Choose a rating")] + [(str(v), f"{v} – {label}") for v, label in levels]
            for criterion in self.criteria:
                fields[f"item_{criterion.code}"] = forms.TypedChoiceField(
                    label=f"{criterion.number}. {criterion.title}",
                    help_text=criterion.description,
                    choices=level_choices,
                    coerce=int,
                )
        elif marking == AssessmentComponent.Marking.PERCENTAGE:
            fields["percentage"] = forms.IntegerField(
                label="Mark (%)",
                min_value=0,
                max_value=100,
                help_text=f"The pass mark is {attempt.component.pass_mark}%.",
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
            )
        else:
            fields["outcome"] = forms.ChoiceField(
                label="Outcome", choices=Attempt.Outcome.choices, widget=forms.RadioSelect
            )
        # Marks first, then feedback and the release date.
        self.fields = {**fields, **self.fields}

    def ratings(self) -> dict[str, int] | None:
        if not self.criteria:
            return None
        return {c.code: self.cleaned_data[f"item_{c.code}"] for c in self.criteria}


class ModerateForm(DeidentifiedForm):
    decision = forms.ChoiceField(
        label="Do you agree with the first marker?",
        choices=[
            (Attempt.Decision.AGREED, "Yes, I agree with the first marker's outcome"),
            (Attempt.Decision.CHANGED, "No, the agreed outcome is different"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Moderation note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you change the outcome: say why.",
    )

    def __init__(self, *args, attempt: Attempt, **kwargs):
        super().__init__(*args, **kwargs)
        if attempt.component.marking == AssessmentComponent.Marking.PERCENTAGE:
            self.fields["percentage"] = forms.IntegerField(
                label="Agreed mark (%) if different",
                required=False,
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
            )
        else:
            self.fields["outcome"] = forms.ChoiceField(
                label="Agreed outcome if different",
                required=False,
                choices=Attempt.Outcome.choices,
                widget=forms.RadioSelect,
            )


class ReopenForm(DeidentifiedForm):
    reason = forms.CharField(
        label="Why is this sign-off being reopened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The sign-off is kept as it is; your reason is added to the record and the audit trail.",
    )


class MitigationForm(DeidentifiedForm):
    scope = forms.ChoiceField(label="Which assessment")
    reason = forms.CharField(
        label="Accepted mitigating circumstances",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the panel accepted. Do not include medical details beyond what is needed.",
    )
    accepted_on = forms.DateField(label="Date accepted", widget=DateInput)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate()
        self._scopes = {}
        choices = [("", "Choose an assessment")]
        for component, competence, used in scopes:
            key = f"{component.pk}:{competence.pk if competence else ''}"
            self._scopes[key] = (component, competence)
            subject = f"{component.name}: {competence.name}" if competence else component.name
            choices.append((key, f"{subject} ({used} attempts failed)"))
        self.fields["scope"].choices = choices

    def clean_scope(self):
        key = self.cleaned_data["scope"]
        self.cleaned_data["component"], self.cleaned_data["competence"] = self._scopes[key]
        return key


class GridFilterForm(DeidentifiedForm):
    name = forms.CharField(label="Name contains", required=False)
    route = forms.ModelChoiceField(label="Route", queryset=None, required=False, empty_label="Any route")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *STATUS_LABELS.items()]
    )
    competence = forms.ChoiceField(label="Competence", required=False)

    def __init__(self, *args, cohort, competences: list[Competence], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = cohort.programme.edition.routes.all()
        self.fields["competence"].choices = [("", "Any competence")] + [(c.code, c.name) for c in competences]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class AssessmentSettingsForm(DeidentifiedForm):
    """A programme's assessment rules: which scheme, how many attempts, what share of passes is moderated."""

    scheme = forms.ModelChoiceField(queryset=None, label="Assessment scheme", empty_label=None)
    attempts_allowed = forms.IntegerField(
        label="Attempts allowed",
        min_value=1,
        max_value=5,
        help_text="The first attempt plus resits. A further attempt needs accepted mitigating circumstances.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of attempts allowed",
            "min_value": "Allow at least 1 attempt",
            "max_value": "Allow at most 5 attempts",
        },
    )
    moderation_sample_percent = forms.IntegerField(
        label="Moderation share (per cent of passes)",
        min_value=0,
        max_value=100,
        help_text="The share of passes a second marker moderates. Every fail is moderated.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the moderation share",
            "min_value": "The moderation share is a percentage from 0 to 100",
            "max_value": "The moderation share is a percentage from 0 to 100",
        },
    )

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
