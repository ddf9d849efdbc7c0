"""Two-step verification pages. Sign-in, sign-out and password pages are Django's own (see urls.py)."""

import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from accounts import invitations, second_factor, services
from accounts.access import refuse
from accounts.forms import TokenForm


def two_factor(request):
    """Status, and setting up an authenticator app (the secret is shown for typing into the app)."""
    user = request.user
    enabled = any(devices_for_user(user, confirmed=True))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp(user=user, token=form.cleaned_data["token"])
        except services.DomainError as error:
            form.add_error("token", str(error))
        else:
            request.session[services.SESSION_NEEDS_SECOND_FACTOR] = True
            request.session[services.SESSION_MUST_SET_UP_SECOND_FACTOR] = False
            device = next(devices_for_user(user, confirmed=True))
            otp_login(request, device)
            codes = services.issue_recovery_codes(user=user)
            messages.success(
                request, "Two-step verification is on. You will need a code each time you sign in."
            )
            # Shown once, on this page; setting up again issues a new set that replaces these.
            return render(request, "accounts/two_factor.html", {"enabled": True, "recovery_codes": codes})
    context = {"enabled": enabled, "form": form, "required": second_factor.is_required_for(user)}
    if not enabled:
        device = (
            services.start_totp_setup(user=user)
            if request.method == "GET"
            else services.pending_totp_device(user=user)
        )
        if device is not None:
            secret = base64.b32encode(device.bin_key).decode()
            context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
            context["config_url"] = device.config_url
    return render(request, "accounts/two_factor.html", context)


@require_POST
def two_factor_disable(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            services.disable_totp(user=request.user, token=form.cleaned_data["token"])
        except services.DomainError as error:
            messages.error(request, str(error))
        else:
            request.session[services.SESSION_NEEDS_SECOND_FACTOR] = False
            messages.success(request, "Two-step verification is off.")
    else:
        messages.error(request, "Enter the code from your authenticator app.")
    return redirect("accounts:two_factor")


def two_factor_verify(request):
    """The second step of signing in for people who turned two-step verification on."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not request.session.get(services.SESSION_NEEDS_SECOND_FACTOR) or request.user.is_verified():
        return redirect(next_url or "home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "")
        device = next(
            (d for d in devices_for_user(request.user, confirmed=True) if d.verify_token(token)), None
        )
        if device is None:
            services.record_event(actor=request.user, action="mfa.failed", obj=request.user)
            form.add_error("token", "The code is not right. Enter the newest code from your app.")
        else:
            otp_login(request, device)
            services.record_event(actor=request.user, action="mfa.verified", obj=request.user)
            return redirect(next_url or "home")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


# Invitations and password resets -------------------------------------------------------------------------


class SetPasswordFromLinkView(auth_views.PasswordResetConfirmView):
    """Django's set-password-from-a-link page; the password is saved through `invitations.accept`, so an
    invited person who chose "forgot password" instead of their invitation link counts as activated too."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        invitations.accept(user=form.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return redirect(self.get_success_url())


class InvitationAcceptView(SetPasswordFromLinkView):
    token_generator = invitations.invitation_tokens
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:invitation_done")


@login_not_required
def invitation_done(request):
    return render(request, "accounts/invitation_done.html")


def invitation_list(request):
    """Who has not yet set a password, for the administrators of the provider that invited them."""
    if not invitations.invitable_organisations(request.user):
        raise refuse(request.user, "invitations page", "")
    rows = invitations.open_invitations_for(request.user)
    return render(request, "accounts/invitation_list.html", {"invitations": rows})


@require_POST
def invitation_resend(request, pk):
    invitation = invitations.get_invitation_for_user(request.user, pk)
    try:
        invitations.resend(actor=request.user, invitation=invitation)
    except services.DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"A new link has been sent to {invitation.user.email}.")
    return redirect("accounts:invitations")


@require_http_methods(["GET", "POST"])
def invitation_cancel(request, pk):
    """Cancelling an invitation asks first, on its own page: GET says what will change, POST does it."""
    invitation = invitations.get_invitation_for_user(request.user, pk)
    if request.method == "GET":
        return render(request, "accounts/invitation_cancel.html", {"invitation": invitation})
    try:
        invitations.cancel(actor=request.user, invitation=invitation)
    except services.DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The invitation for {invitation.user.display_name} is cancelled.")
    return redirect("accounts:invitations")
