import json

from django import forms
from django.core.exceptions import ValidationError

from core.forms import DeidentifiedForm
from trainees.imports.profiles import SpecProblem, read_spec


class CopyProfileForm(DeidentifiedForm):
    owner = forms.ChoiceField(label="Whose copy is it")
    name = forms.CharField(
        label="Name of the copy", max_length=120, help_text="For example your clinical system's name."
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners}
        self.fields["owner"].choices = [(pk, str(o)) for pk, o in self.owners.items()]

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class EditProfileForm(DeidentifiedForm):
    deidentify_exempt = {
        "spec": "a JSON description of columns and code lists, checked by read_spec; SNOMED CT and Data "
        "Dictionary codes are long runs of digits by design, and it holds no person's details"
    }

    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    spec = forms.CharField(
        label="Columns, codes and rules (JSON)",
        max_length=100_000,  # value maps can be long; the fixtures' largest is about 3,000 characters
        help_text="The headings each field may have, value maps from the file's codes to the tracker's, rows "
        "to skip and why, and date formats. The README's “Import profiles” section explains each part.",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "app-code"}),
    )

    def clean_spec(self):
        try:
            spec = json.loads(self.cleaned_data["spec"])
        except json.JSONDecodeError as error:
            raise ValidationError(f"This is not valid JSON (line {error.lineno}: {error.msg}).") from error
        try:
            read_spec("check", self.cleaned_data.get("name", "") or "check", spec)
        except SpecProblem as problem:
            raise ValidationError(str(problem)) from problem
        return spec
