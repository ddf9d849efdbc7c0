from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse

from accounts import mail, slowdown
from accounts.models import User
from core.forms import DeidentifiedForm, DeidentifiedFormMixin


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


class SignInForm(DeidentifiedFormMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form, slowed for a username guessed at from many addresses (accounts/slowdown.py)."""

    deidentify_exempt = {
        "username": "the account holder's sign-in name, only compared, never stored from here",
        "password": "a password, never stored as text",
    }

    def clean(self):
        slowdown.slow_down(self.cleaned_data.get("username") or "")
        return super().clean()


class PasswordResetForm(DeidentifiedFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form, sending through accounts.mail (text and HTML, nothing but a link), and also to
    active people who were invited but never chose a password: a lost invitation is mended the same way."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        path = reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])
        mail.send(
            to=to_email,
            subject="Reset your password for the PWP training tracker",
            template="password_reset",
            context={
                "name": user.first_name or user.get_username(),
                "username": user.get_username(),
                "link": f"{context['protocol']}://{context['domain']}{path}",
            },
        )
