from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import User
from accreditation.models import PortfolioSnapshot, Visit
from accreditation.models.portfolios import normalise_verification_code
from accreditation.portfolio.data import scheme_choices
from core.forms import DateInput, DeidentifiedForm, DeidentifiedModelForm

MAX_VERIFY_UPLOAD = 25 * 1024 * 1024  # far above any portfolio; stops someone hashing a DVD image


class SubmitPortfolioForm(DeidentifiedForm):
    scheme = forms.ChoiceField(
        label="Which scheme is this portfolio for?", choices=scheme_choices, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label="I confirm that this portfolio is mine and ready to be read by assessors and visitors",
        error_messages={"required": "Confirm that the portfolio is yours and ready to be read"},
    )


class VerifyForm(DeidentifiedForm):
    # The code is one the server issued (letters and digits in fours), looked up and never stored.
    deidentify_exempt = {"code": "a verification code the server issued; looked up, never stored"}
    code = forms.CharField(
        label="Verification code",
        help_text="12 letters and numbers, printed on the cover and at the foot of every page, "
        "for example 7K3M-Q9TD-2XWB",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    document = forms.FileField(
        label="Or upload the PDF",
        help_text="We compare its fingerprint; the file is not kept",
        required=False,
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not normalise_verification_code(code):
            raise forms.ValidationError(
                "Enter the 12-character verification code, for example 7K3M-Q9TD-2XWB"
            )
        return normalise_verification_code(code)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if not document:
            return document
        if document.size > MAX_VERIFY_UPLOAD:
            raise forms.ValidationError("The file is too large to be a portfolio (the limit is 25 MB)")
        head = document.read(5)
        document.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("The file must be a PDF")
        return document

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("document"):
            raise forms.ValidationError("Enter a verification code or upload a PDF")
        return data


class VisitForm(DeidentifiedModelForm):
    visitor_usernames = forms.CharField(
        label="Visitors",
        help_text="The usernames of the visitors, one on each line",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Visit
        fields = ["programme", "kind", "title", "starts_on", "ends_on"]
        labels = {"kind": "Kind of visit", "starts_on": "Opens on", "ends_on": "Closes on"}
        help_texts = {
            "ends_on": "Visitors can read the portfolios from the day it opens to the day it closes"
        }
        widgets = {
            "kind": forms.RadioSelect,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = None

    def clean_visitor_usernames(self):
        names = sorted(
            {line.strip() for line in self.cleaned_data["visitor_usernames"].splitlines() if line.strip()}
        )
        users = list(User.objects.filter(username__in=names, is_active=True))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise forms.ValidationError(f"There is no active person with the username {', '.join(unknown)}")
        if not users:
            raise forms.ValidationError("Enter at least one visitor")
        return users

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The visit must close on or after the day it opens")
        return data


class AddPortfoliosForm(DeidentifiedForm):
    snapshots = forms.ModelMultipleChoiceField(
        label="Portfolios to add", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshots"].queryset = PortfolioSnapshot.objects.filter(
            pk__in=[c.pk for c in candidates]
        )
        labels = {
            c.pk: f"{c.enrolment.user.display_name}, {c.enrolment.cohort.name}: {c.scheme_code}, "
            f"submitted {format_date(timezone.localtime(c.submitted_at), 'j M Y')}"
            for c in candidates
        }
        self.fields["snapshots"].label_from_instance = lambda snapshot: labels[snapshot.pk]


class SampleForm(DeidentifiedForm):
    per_cohort = forms.IntegerField(label="Portfolios per cohort", min_value=1, max_value=50, initial=2)
    seed = forms.IntegerField(
        label="Seed (optional)",
        help_text="Leave empty for a new random draw; enter a recorded seed to repeat a draw",
        required=False,
        min_value=0,
        max_value=2**62,
    )
