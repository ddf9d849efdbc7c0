"""Two-step verification can be required per role; recovery codes; the Django admin is covered too."""

import importlib

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_two_factor import current_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_an_administrator_must_set_it_up_before_any_page_including_the_admin(client, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR = ["administrators"]
    admin = UserFactory(username="site.admin", is_staff=True, is_superuser=True)
    sign_in(client, admin)
    for url in (reverse("home"), "/admin/", reverse("accounts:password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:two_factor')}?required=1"

    page = client.get(reverse("accounts:two_factor"))
    assert "Your role needs two-step verification" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post(reverse("accounts:two_factor"), {"token": current_code(device)})
    codes = done.context["recovery_codes"]
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get("/admin/").status_code == 200

    # It cannot be turned off while the role needs it.
    client.post(reverse("accounts:two_factor_disable"), {"token": current_code(device, 1)})
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()

    # A recovery code stands in for the phone, once.
    client.post(reverse("accounts:logout"))
    sign_in(client, admin)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"token": codes[0], "next": "/admin/"})
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_a_role_not_named_signs_in_with_a_password_alone(client, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR = ["administrators"]
    person = UserFactory(username="a.trainee")
    sign_in(client, person)
    assert client.get(reverse("home")).status_code == 200


def test_programme_staff_and_visitors_are_covered_when_named(client, settings, world):
    settings.SECOND_FACTOR_REQUIRED_FOR = ["programme_staff", "visitors"]
    for persona in ("educator", "visitor"):
        client.post(reverse("accounts:logout"))
        sign_in(client, world.user(persona))
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor"))
    client.post(reverse("accounts:logout"))
    sign_in(client, world.user("trainee"))
    assert client.get(reverse("home")).status_code == 200


def test_production_requires_it_by_default_for_administrators_staff_and_visitors(monkeypatch):
    import config.settings as production

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.delenv("SECOND_FACTOR_REQUIRED_FOR", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    try:
        assert importlib.reload(production).SECOND_FACTOR_REQUIRED_FOR == [
            "administrators",
            "programme_staff",
            "visitors",
        ]
    finally:
        monkeypatch.undo()
        importlib.reload(production)
