"""Refuse an oversized request from its Content-Length header, before any of the body is read."""

from django.conf import settings
from django.http import HttpResponse


class RequestSizeLimitMiddleware:
    """413 for a body larger than MAX_REQUEST_BYTES, decided from the header alone.

    Django's own upload limits run while or after the body streams in, so a huge upload held a worker for the
    whole transfer. This answers at once; the front-end proxy should refuse the same size even earlier
    (nginx: client_max_body_size; see the README's security section).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            megabytes = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return HttpResponse(
                f"This upload is too large. Send {megabytes} MB or less at a time.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
