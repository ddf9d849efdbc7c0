"""Invitations and password resets, sent through a real SMTP server on loopback and followed as people do."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts import invitations
from accounts.models import AuditEvent, Invitation, User
from accounts.services import DomainError, deactivate_user
from config.env import mailer_from_env
from tests import factories as f
from tests.smtp import html_part, link_in, text_part

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long and memorable passphrase"


def signs_in(client, username, password) -> bool:
    """Through the real sign-in page (django-axes needs the request), True when it lets the person in."""
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.fixture
def admin(curriculum):
    return f.AdministratorFactory().user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Invitations are queued when their transaction commits; tests run inside one that never does, so this
    runs the queued callbacks when its block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def invite_someone(committed):
    def invite(admin, email="sam.new@example.nhs.uk"):
        organisation = admin.org_memberships.get().organisation
        with committed():
            return invitations.create_invited_user(
                actor=admin, email=email, first_name="Sam", last_name="New", organisation=organisation
            )

    return invite


def test_a_new_account_is_emailed_a_link_that_sets_a_password_once(client, admin, smtp_inbox, invite_someone):
    user = invite_someone(admin)
    assert not user.has_usable_password()
    message = smtp_inbox.wait_for("sam.new@example.nhs.uk")
    assert "Set your password" in message["Subject"]
    assert "sam.new@example.nhs.uk" in text_part(message)  # the username to sign in with
    assert "Set your password" in html_part(message)
    path = link_in(message, "/accounts/welcome/")

    form_page = client.get(path, follow=True)
    assert b"Set your password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert b"Your password is set" in done.content
    assert signs_in(client, "sam.new@example.nhs.uk", NEW_PASSWORD)
    assert Invitation.objects.get(user=user).accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accepted", object_id=str(user.pk)).exists()

    client.logout()
    again = client.get(path, follow=True)
    assert b"This link no longer works" in again.content


def test_messages_carry_only_a_name_a_username_and_a_link(admin, smtp_inbox, invite_someone):
    invite_someone(admin)
    body = text_part(smtp_inbox.wait_for("sam.new@example.nhs.uk"))
    assert "mark" not in body.lower() and "competence" not in body.lower()
    with pytest.raises(ValueError, match="no detail"):
        from accounts import mail

        mail.send(to="x@example.nhs.uk", subject="s", template="invitation", context={"grade": "fail"})


def test_a_resent_link_replaces_the_old_one(client, admin, smtp_inbox, invite_someone, committed):
    user = invite_someone(admin)
    first = link_in(smtp_inbox.wait_for(user.email), "/accounts/welcome/")
    invitation = Invitation.objects.get(user=user)
    client.force_login(admin)
    with committed():
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    second = link_in(smtp_inbox.wait_for(user.email, count=2), "/accounts/welcome/")
    client.logout()
    assert b"This link no longer works" in client.get(first, follow=True).content
    assert b"Set your password" in client.get(second, follow=True).content
    invitation.refresh_from_db()
    assert invitation.times_sent == 2


def test_a_cancelled_invitation_link_stops_working(client, admin, smtp_inbox, invite_someone):
    user = invite_someone(admin)
    path = link_in(smtp_inbox.wait_for(user.email), "/accounts/welcome/")
    client.force_login(admin)
    client.post(reverse("accounts:invitation_cancel", args=[user.invitation.pk]))
    client.logout()
    assert b"This link no longer works" in client.get(path, follow=True).content
    assert AuditEvent.objects.filter(action="invitation.cancelled").count() == 1


def test_cancelling_an_invitation_asks_first_on_its_own_page(client, admin, smtp_inbox, invite_someone):
    user = invite_someone(admin)
    invitation = user.invitation
    cancel_url = reverse("accounts:invitation_cancel", args=[invitation.pk])
    client.force_login(admin)
    listing = client.get(reverse("accounts:invitations")).content.decode()
    assert f'href="{cancel_url}"' in listing
    assert f'action="{cancel_url}"' not in listing  # no one-click cancel button on the list
    page = client.get(cancel_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cancel Sam New's invitation" in text and "What will change" in text
    assert "Cancel the invitation" in text and "Keep the invitation" in text
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None  # the GET changed nothing
    assert not AuditEvent.objects.filter(action="invitation.cancelled").exists()
    response = client.post(cancel_url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert AuditEvent.objects.get(action="invitation.cancelled").actor == admin


def test_a_link_older_than_the_valid_days_is_refused(admin, settings, smtp_inbox, invite_someone):
    user = invite_someone(admin)
    token = invitations.invitation_tokens.make_token(user)
    assert invitations.invitation_tokens.check_token(user, token)
    later = invitations.InvitationTokenGenerator()
    moment = invitations.invitation_tokens._now() + timedelta(days=settings.INVITATION_VALID_DAYS + 1)
    later._now = lambda: moment
    assert not later.check_token(user, token)
    settings.INVITATION_VALID_DAYS = 30
    assert later.check_token(user, token)


def test_only_the_providers_administrators_see_who_has_not_activated(client, admin, invite_someone):
    waiting = invite_someone(admin)
    done = invite_someone(admin, email="done@example.nhs.uk")
    invitations.accept(user=done, password=NEW_PASSWORD)
    client.force_login(admin)
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert waiting.email in page and done.email not in page

    other_admin = f.AdministratorFactory().user
    client.force_login(other_admin)
    assert waiting.email not in client.get(reverse("accounts:invitations")).content.decode()
    response = client.post(reverse("accounts:invitation_cancel", args=[waiting.invitation.pk]))
    assert response.status_code == 404
    waiting.invitation.refresh_from_db()
    assert waiting.invitation.cancelled_at is None


def test_an_existing_email_is_never_given_a_second_account(admin, invite_someone):
    invite_someone(admin)
    with pytest.raises(DomainError, match="already has an account"):
        invite_someone(admin, email="SAM.NEW@example.nhs.uk")
    assert User.objects.filter(email__iexact="sam.new@example.nhs.uk").count() == 1


def test_password_reset_mends_a_lost_invitation(client, admin, smtp_inbox, invite_someone):
    user = invite_someone(admin)
    smtp_inbox.wait_for(user.email)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    reset = smtp_inbox.wait_for(user.email, count=2)
    assert "Reset your password" in reset["Subject"]
    assert html_part(reset)
    path = link_in(reset, "/accounts/password/reset/")
    form_page = client.get(path, follow=True)
    passwords = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(form_page.redirect_chain[-1][0], passwords)
    assert signs_in(client, user.username, NEW_PASSWORD)
    assert Invitation.objects.get(user=user).accepted_at is not None


def test_password_reset_works_for_someone_with_a_password(client, curriculum, smtp_inbox):
    user = f.UserFactory(email="has.password@example.nhs.uk")
    client.post(reverse("accounts:password_reset"), {"email": "Has.Password@example.nhs.uk"})
    path = link_in(smtp_inbox.wait_for(user.email), "/accounts/password/reset/")
    form_page = client.get(path, follow=True)
    passwords = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(form_page.redirect_chain[-1][0], passwords)
    assert signs_in(client, user.username, NEW_PASSWORD)


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end_at_once(client, admin, curriculum):
    user = f.UserFactory()
    assert signs_in(client, user.username, f.PASSWORD)
    assert Session.objects.count() == 1
    deactivate_user(actor=admin, user=user)
    assert Session.objects.count() == 0
    assert client.get(reverse("home")).status_code == 302
    assert not signs_in(client, user.username, f.PASSWORD)


def test_email_settings_come_from_djangos_own_variable_names(monkeypatch):
    for name, value in {
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "smtp.example.nhs.uk",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "tracker",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    assert mailer_from_env(default_backend="console") == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.nhs.uk",
            "port": 587,
            "username": "tracker",
            "password": "secret",
            "use_tls": True,
            "timeout": 30,
        },
    }
    monkeypatch.delenv("EMAIL_BACKEND")
    assert mailer_from_env(default_backend="console") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_the_first_administrator_is_invited_by_a_command(
    curriculum, smtp_inbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from accounts.models import OrganisationMembership

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_administrator",
            "first.admin@uni.ac.uk",
            provider="uni",
            provider_name="A University",
            stdout=None,
        )
    membership = OrganisationMembership.objects.get(user__email="first.admin@uni.ac.uk")
    assert membership.organisation.name == "A University" and membership.role == "administrator"
    assert "/accounts/welcome/" in text_part(smtp_inbox.wait_for("first.admin@uni.ac.uk"))
