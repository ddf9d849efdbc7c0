from django import forms

from core.forms import DeidentifiedForm
from notifications.models import EmailPreference


class FrequencyForm(DeidentifiedForm):
    frequency = forms.ChoiceField(
        label="How should we e-mail you about this?",
        choices=EmailPreference.Frequency.choices,
        widget=forms.RadioSelect,
        help_text="You will still see it on your notifications page.",
    )
