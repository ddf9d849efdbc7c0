from django import forms

from workforce.models import DIVERSITY_DIMENSIONS


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="Figures on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CorrectionForm(forms.Form):
    post = forms.TypedChoiceField(
        label="Which post is it about?", coerce=int, required=False, empty_value=None
    )
    message = forms.CharField(
        label="What is wrong, and what should it say?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what is wrong and what it should say"},
    )

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "Something not listed (for example a missing post)")] + [
            (p.pk, f"{p.job_title}, {p.service.name}, from {p.starts_on:%d %B %Y}") for p in posts
        ]


class DiversityForm(forms.Form):
    """Every question optional, each with "Prefer not to say"; leaving one blank means not answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (question, choices) in DIVERSITY_DIMENSIONS.items():
            self.fields[name] = forms.ChoiceField(
                label=question,
                required=False,
                choices=[("", "Not answered")] + list(choices.choices),
                widget=forms.Select,
            )


class DecisionForm(forms.Form):
    note = forms.CharField(label="Note (required when declining)", max_length=500, required=False)
