from django import forms

from core.forms import DeidentifiedForm


class TokenForm(DeidentifiedForm):
    deidentify_exempt = {"token": "a one-time code from an app or a recovery code; never stored"}

    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now.",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "nhsuk-input--width-10"}
        ),
    )
