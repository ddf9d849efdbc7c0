from django.shortcuts import redirect
from django.urls import reverse

from accounts.services import SESSION_MUST_SET_UP_SECOND_FACTOR, SESSION_NEEDS_SECOND_FACTOR


class SecondFactorMiddleware:
    """After signing in, people with two-step verification enter a code before anything else, and people whose
    role requires it (accounts.second_factor) set it up before anything else, on every page and the admin."""

    ALLOWED = ("accounts:two_factor_verify", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed_paths = None

    SET_UP_ALLOWED = ("accounts:two_factor", "accounts:logout")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_MUST_SET_UP_SECOND_FACTOR)
        ):
            # Their role requires two-step verification and they have not set it up: that comes first.
            if request.path not in {reverse(name) for name in self.SET_UP_ALLOWED}:
                return redirect(f"{reverse('accounts:two_factor')}?required=1")
            return self.get_response(request)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_NEEDS_SECOND_FACTOR)
            and not user.is_verified()
        ):
            if self.allowed_paths is None:
                self.allowed_paths = {reverse(name) for name in self.ALLOWED}
            if request.path not in self.allowed_paths:
                return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.get_full_path()}")
        return self.get_response(request)
