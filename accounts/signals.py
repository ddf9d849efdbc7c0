"""Authentication events are written to the audit trail (who signed in, failed, was locked out)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import services, slowdown


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    from django_otp import user_has_device

    from accounts.second_factor import is_required_for

    # Looked up once at sign-in so that ordinary requests cost no extra query.
    has_device = user_has_device(user)
    request.session[services.SESSION_NEEDS_SECOND_FACTOR] = has_device
    request.session[services.SESSION_MUST_SET_UP_SECOND_FACTOR] = not has_device and is_required_for(user)
    services.remember_login_session(user=user, session_key=request.session.session_key)
    services.record_event(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    services.forget_login_session(session_key=request.session.session_key)
    if user is not None:
        services.record_event(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    slowdown.record_failure(username)
    services.record_event(actor=None, action="auth.login_failed", message=f"Failed sign-in for {username!r}")


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    services.record_event(
        actor=None,
        action="auth.locked_out",
        message=f"Sign-in for {str(username)[:150]!r} refused after repeated failures",
    )
