from django import forms

from accreditation.engine import Stage
from core.forms import DeidentifiedForm


class CohortReadinessForm(DeidentifiedForm):
    """Which scheme to check the cohort against, and "not ready because ..." filters."""

    scheme = forms.ChoiceField(label="Scheme")
    stage = forms.ChoiceField(
        label="Stage",
        choices=[(Stage.INITIAL, "First application"), (Stage.RENEWAL, "Renewal")],
        required=False,
    )
    because = forms.ChoiceField(label="Not ready because", required=False)
    ready = forms.ChoiceField(
        label="Ready",
        required=False,
        choices=[("", "Everyone"), ("yes", "Ready"), ("no", "Not ready")],
    )

    def __init__(self, data, *, schemes, version):
        super().__init__(data)
        self.fields["scheme"].choices = [(s.code, s.name) for s in schemes]
        criteria = sorted(version.criteria.all(), key=lambda c: (c.stage, c.order)) if version else []
        self.fields["because"].choices = [("", "Any reason")] + [
            (c.code, c.description) for c in criteria if c.stage == (self.data.get("stage") or Stage.INITIAL)
        ]


class AttentionFilterForm(DeidentifiedForm):
    """The attention list's filters: one cohort, one reason (both optional)."""

    cohort = forms.ChoiceField(label="Cohort", required=False)
    reason = forms.ChoiceField(label="Reason", required=False)

    def __init__(self, *args, cohorts, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "All your cohorts"), *cohorts]
        self.fields["reason"].choices = [("", "Any reason"), *reasons.items()]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"cohort": "", "reason": ""}
        return {"cohort": self.cleaned_data["cohort"], "reason": self.cleaned_data["reason"]}
