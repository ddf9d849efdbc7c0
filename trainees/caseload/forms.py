"""Forms for the caseload: a contact, closing a case, an upload, a column mapping, a programme's ramp."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import DateInput, DeidentifiedForm
from core.wording import sentence
from curriculum.models import Intervention
from trainees.caseload.importer import FIELDS, MAX_UPLOAD_BYTES
from trainees.caseload.services import clean_case_reference, contact_problems
from trainees.models import Case, Contact, Enrolment, RampProfile


class ContactForm(DeidentifiedForm):
    case_reference = forms.CharField(
        label="Case reference",
        max_length=40,
        help_text="The service's pseudonymous case reference, for example NV-000123. "
        "Never a name, NHS number or date of birth.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    presenting_problem = forms.ChoiceField(
        label="Presenting problem (optional)",
        choices=[("", "Not recorded")] + list(Case.PresentingProblem.choices),
        required=False,
        help_text="Kept with the case the first time it is given.",
    )
    date = forms.DateField(label="Date of the contact", widget=DateInput())
    type = forms.ChoiceField(label="Type of contact", choices=Contact.Type.choices, widget=forms.RadioSelect)
    mode = forms.ChoiceField(label="Mode", choices=Contact.Mode.choices, widget=forms.RadioSelect)
    intervention = forms.ModelChoiceField(
        label="Intervention",
        queryset=Intervention.objects.order_by("order", "name"),
        required=False,
        empty_label="None (not a treatment contact)",
        help_text="Needed for a treatment contact.",
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=Contact.MINUTES_MAX,
        widget=forms.NumberInput(attrs={"size": 4}),
    )
    phq9 = forms.IntegerField(label="PHQ-9 (optional, 0 to 27)", min_value=0, max_value=27, required=False)
    gad7 = forms.IntegerField(label="GAD-7 (optional, 0 to 21)", min_value=0, max_value=21, required=False)
    wsas = forms.IntegerField(label="WSAS (optional, 0 to 40)", min_value=0, max_value=40, required=False)
    outcome = forms.ChoiceField(
        label="Outcome (optional)",
        choices=[("", "None: the case stays open")] + list(Contact.Outcome.choices),
        required=False,
        help_text="A discharge contact, or any outcome, closes the case.",
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        expects = enrolment.employing_service.case_reference_format
        if expects:
            self.fields["case_reference"].help_text = (
                f"{enrolment.employing_service} case references are {expects}. "
                "Never a name, NHS number or date of birth."
            )
        for name in ("minutes", "phq9", "gad7", "wsas"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")
            self.fields[name].widget.attrs["class"] = "nhsuk-input--width-4"

    def clean_case_reference(self):
        return clean_case_reference(self.cleaned_data["case_reference"], self.enrolment.employing_service)

    def clean(self):
        data = super().clean()
        problems = contact_problems(
            self.enrolment,
            on=data.get("date"),
            type=data.get("type", ""),
            intervention=data.get("intervention"),
            minutes=data.get("minutes"),
            phq9=data.get("phq9"),
            gad7=data.get("gad7"),
            wsas=data.get("wsas"),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class CloseCaseForm(DeidentifiedForm):
    closed_on = forms.DateField(label="Date the case closed", widget=DateInput())

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["closed_on"].widget.attrs["min"] = case.opened_on.isoformat()


class UploadForm(DeidentifiedForm):
    file = forms.FileField(
        label="Export from the service's clinical system",
        help_text="An Excel workbook (.xlsx), OpenDocument spreadsheet (.ods), CSV file (.csv) or "
        "tab-separated text (.tsv, .txt), up to 25 MB. The first row holds the headings.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.ods,.tsv,.txt"}),
    )
    profile = forms.ChoiceField(
        label="Format of the file (import profile)",
        required=False,
        help_text="How the columns and codes are read, for example the NHS Talking Therapies data set.",
    )
    scores_file = forms.FileField(
        label="Coded scores file (optional)",
        required=False,
        help_text="For a format that reads one, such as the NHS Talking Therapies data set: the coded scores "
        "table (PHQ-9, GAD-7 and WSAS by contact).",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.ods,.tsv,.txt"}),
    )
    ends_file = forms.FileField(
        label="Referral ends file (optional)",
        required=False,
        help_text="For a format that reads one, such as the NHS Talking Therapies data set: the referrals "
        "with their discharge date and ending code, which close the cases that ended.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.ods,.tsv,.txt"}),
    )
    mapping = forms.ChoiceField(label="Column headings", required=False)
    dry_run = forms.BooleanField(
        label="Check the file only (a dry run): save nothing",
        required=False,
    )

    def __init__(self, *args, mappings=(), profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = {p.code: p for p in profiles}
        self.fields["profile"].choices = [("", "Tracker headings, or a saved column mapping below")] + [
            (p.code, p.name) for p in profiles
        ]
        self.mappings = {str(m.pk): m for m in mappings}
        self.fields["mapping"].choices = [("", "Standard headings (Case reference, Date, Type, ...)")] + [
            (str(m.pk), f"Saved mapping: {m.name}") for m in mappings
        ]

    @staticmethod
    def _check_upload(upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        if not upload.name.lower().endswith((".csv", ".xlsx", ".ods", ".tsv", ".txt")):
            raise ValidationError(
                "Upload an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods), a CSV file or "
                "tab-separated text (.tsv or .txt)."
            )
        return upload

    def clean_file(self):
        return self._check_upload(self.cleaned_data["file"])

    def clean_scores_file(self):
        upload = self.cleaned_data.get("scores_file")
        return self._check_upload(upload) if upload else None

    def clean_ends_file(self):
        upload = self.cleaned_data.get("ends_file")
        return self._check_upload(upload) if upload else None

    def clean(self):
        data = super().clean()
        profile = data.get("profile")
        # A companion file is read only by a format (profile) that says how: refuse it rather than ignore it.
        for name, part, what in (
            ("scores_file", "scores", "a coded scores file"),
            ("ends_file", "ends", "a referral ends file"),
        ):
            if data.get(name) and not (profile and (profile.spec or {}).get(part)):
                self.add_error(
                    name,
                    f"The format chosen does not read {what}. Choose a format that does, or leave it out.",
                )
        return data

    def companions(self) -> dict:
        """The companion uploads by kind ("scores", "ends"), for the importer."""
        return {
            kind: self.cleaned_data[f"{kind}_file"]
            for kind in ("scores", "ends")
            if self.cleaned_data.get(f"{kind}_file")
        }

    def clean_profile(self):
        value = self.cleaned_data.get("profile")
        return self.profiles.get(value) if value else None

    def clean_mapping(self):
        value = self.cleaned_data.get("mapping")
        return self.mappings.get(value) if value else None


class MappingForm(DeidentifiedForm):
    name = forms.CharField(
        label="Name for this mapping",
        max_length=60,
        help_text="For example the clinical system's name. Saving with an existing name replaces it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in FIELDS:
            self.fields[f"heading_{f.code}"] = forms.CharField(
                label=f"Heading for {f.label.lower()}" + ("" if f.required else " (optional)"),
                required=f.required,
                max_length=100,
                help_text=sentence(f.hint) + ".",  # not capitalize(): that writes "never an nhs number"
            )

    def headings(self) -> dict[str, str]:
        return {f.code: self.cleaned_data.get(f"heading_{f.code}", "") for f in FIELDS}


class CaseloadSettingsForm(DeidentifiedForm):
    profile = forms.ModelChoiceField(
        label="Ramp profile", queryset=RampProfile.objects.all(), empty_label=None, widget=forms.RadioSelect
    )
    annual_caseload = forms.IntegerField(
        label="Full annual caseload (new patients a year)", min_value=1, max_value=1000
    )
    none_months = forms.IntegerField(
        label="Months with no caseload at the start (optional)",
        min_value=0,
        max_value=11,
        required=False,
        help_text="Leave blank to use the profile's own figure.",
    )
    contact_hours_target = forms.IntegerField(
        label="Direct clinical contact hours to report", min_value=0, max_value=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].label_from_instance = lambda p: f"{p.name}: {p.description}"


class ServiceUploadForm(UploadForm):
    """A service administrator's upload: the same file choices, and whose caseload it is."""

    trainee = forms.ChoiceField(label="Trainee")

    field_order = ["trainee", "file", "profile", "scores_file", "ends_file", "dry_run"]

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["mapping"]
        self.enrolments = {str(e.pk): e for e in enrolments}
        self.fields["trainee"].choices = [
            (
                pk,
                f"{e.user.display_name} ({e.cohort.name})"
                + (f", staff identifier {e.service_staff_id}" if e.service_staff_id else ""),
            )
            for pk, e in self.enrolments.items()
        ]

    def clean_trainee(self):
        return self.enrolments[self.cleaned_data["trainee"]]
