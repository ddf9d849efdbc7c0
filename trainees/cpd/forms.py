from django import forms

from core.forms import DateInput, DeidentifiedForm, DeidentifiedModelForm
from trainees.models import CpdActivity


class CpdActivityForm(DeidentifiedModelForm):
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text="A certificate, notes or slides: PDF, PNG, JPEG or Word (.docx), up to 10 MB.",
    )

    class Meta:
        model = CpdActivity
        fields = ["date", "title", "hours", "cbt_informed", "reflection"]
        widgets = {
            "date": DateInput(),
            "reflection": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"date": "Date of the activity", "hours": "Hours"}


class ReopenForm(DeidentifiedForm):
    reason = forms.CharField(
        label="Why is it being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The practitioner and the audit trail will see this.",
    )
