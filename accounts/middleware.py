from django.shortcuts import redirect
from django.urls import reverse

from accounts.services import SESSION_NEEDS_SECOND_FACTOR


class SecondFactorMiddleware:
    """People who turned on two-step verification must enter a code before anything else after signing in."""

    ALLOWED = ("accounts:two_factor_verify", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
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
