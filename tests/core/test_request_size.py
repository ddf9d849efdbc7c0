import pytest
from django.test import RequestFactory

from core.middleware import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db


def test_an_oversized_upload_is_refused_from_its_header_before_the_body_is_read(settings, client, world):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    read = []

    def view(request):
        read.append(request.body)
        return None

    request = RequestFactory().post("/anything/", data=b"x", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(2 * 1024 * 1024)
    response = RequestSizeLimitMiddleware(view)(request)
    assert response.status_code == 413 and "1 MB or less" in response.content.decode()
    assert read == []


def test_the_limit_is_on_for_every_page(settings, client, world):
    settings.MAX_REQUEST_BYTES = 100
    client.force_login(world.user("trainee"))
    response = client.post("/", {"note": "x" * 500})
    assert response.status_code == 413


def test_an_ordinary_request_passes(settings):
    settings.MAX_REQUEST_BYTES = 1024
    request = RequestFactory().post("/", data={"a": "b"})
    assert RequestSizeLimitMiddleware(lambda r: "passed")(request) == "passed"
