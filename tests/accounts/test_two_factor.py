import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(device, steps_ahead=0):
    # A code is accepted once; the next time step's code (within the device's tolerance) stands in for
    # "the newest code half a minute later".
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


def turn_on(client, user):
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor"), {"token": current_code(device)})
    assert response.status_code == 200 and "Your recovery codes" in response.content.decode()
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_a_wrong_code_does_not_turn_it_on(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_once_on_signing_in_needs_a_code_before_any_page(client):
    user = UserFactory()
    client.force_login(user)
    device = turn_on(client, user)
    assert AuditEvent.objects.filter(action="mfa.enabled", actor=user).exists()
    client.post(reverse("accounts:logout"))

    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))

    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "123456", "next": "/"})
    assert "The code is not right" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302

    time.sleep(1.1)  # django-otp refuses every code for a second after a wrong one
    device.refresh_from_db()
    ok = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device, 1), "next": "/"})
    assert ok.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_verify_page_never_redirects_off_site(client):
    user = UserFactory()
    client.force_login(user)
    device = turn_on(client, user)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    device.refresh_from_db()
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"token": current_code(device, 1), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")
