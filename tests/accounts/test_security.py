import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent, LoginSession
from accounts.services import deactivate_user, record_event
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_or_delete_an_audit_line():
    event = record_event(actor=None, action="test.event", message="original")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.message == "original"


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_repeated_failures_lock_the_account_even_with_the_right_password(client):
    user = UserFactory(username="locked.out")
    for _ in range(5):
        login(client, "locked.out", "wrong-password-attempt")
    response = login(client, "locked.out", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert b"Sign-in temporarily locked" in response.content
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    assert not LoginSession.objects.filter(user=user).exists()


def test_a_stranger_elsewhere_cannot_lock_the_real_person_out(client):
    """Five wrong passwords for the administrator's username from one address lock that address only."""
    admin = UserFactory(username="the.administrator", is_staff=True, is_superuser=True)
    for _ in range(6):
        client.post(
            reverse("accounts:login"),
            {"username": "the.administrator", "password": "guess"},
            REMOTE_ADDR="203.0.113.66",
        )
    stranger = client.post(
        reverse("accounts:login"),
        {"username": "the.administrator", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
    )
    assert b"Sign-in temporarily locked" in stranger.content
    assert "_auth_user_id" not in client.session

    client.post(
        reverse("accounts:login"),
        {"username": "the.administrator", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_signing_in_starts_a_new_session_and_is_audited(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    before = client.cookies.get("sessionid")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    assert LoginSession.objects.filter(user=user).count() == 1


def test_logging_out_ends_the_session_on_the_server(client):
    user = UserFactory()
    login(client, user.username, PASSWORD)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_deactivating_someone_ends_all_their_sessions(client):
    from django.test import Client

    user = UserFactory()
    admin = UserFactory()
    other_device = Client()
    login(client, user.username, PASSWORD)
    login(other_device, user.username, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    deactivate_user(actor=admin, user=user)
    assert client.get(reverse("home")).status_code == 302
    assert other_device.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(user.pk)).exists()


def test_long_passphrases_are_accepted_and_common_passwords_refused():
    user = UserFactory.build(username="someone")
    validate_password("four random words make a very long passphrase indeed " * 3, user)
    for weak in ["password123", "qwertyuiop", "1234567890"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)


def test_pages_send_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert (
        "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
        or "script-src 'self'" in (response["Content-Security-Policy"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_password_reset_sends_a_link_by_email(client, mailoutbox):
    UserFactory(email="someone@example.nhs.uk")
    response = client.post(reverse("accounts:password_reset"), {"email": "someone@example.nhs.uk"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_refused_access_is_audited(client, world):
    client.force_login(world.user("other_trainee"))
    response = client.get(reverse("trainees:detail", args=[world.enrolment.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=world.user("other_trainee")).exists()


def test_guessing_one_username_from_many_addresses_slows_it_down_but_never_locks_it(client, monkeypatch):
    from accounts import slowdown

    waits = []
    monkeypatch.setattr(slowdown, "_pause", waits.append)
    admin = UserFactory(username="the.administrator", is_staff=True, is_superuser=True)
    for n in range(12):  # two over the threshold of ten, each from a different address
        client.post(
            reverse("accounts:login"),
            {"username": "the.administrator", "password": "guess"},
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
    assert waits == [1.0, 2.0]  # the eleventh and twelfth attempts waited, a second more each time
    client.post(
        reverse("accounts:login"),
        {"username": "the.administrator", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert waits[-1] == 3.0  # capped at SIGN_IN_MAX_DELAY_SECONDS
