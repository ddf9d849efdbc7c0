"""Invitations: every new account gets a one-time link to choose a password.

The link is a token from Django's own machinery (`PasswordResetTokenGenerator`, with its own salt and
lifetime). It is one-time because the token hashes the password: once a password is set, or when a resend or a
cancellation gives the account a fresh unusable password, every older link stops working.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from accounts import mail
from accounts.models import Invitation, Organisation, OrganisationMembership, User
from accounts.services import DomainError, record_event


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password-reset token, but valid for INVITATION_VALID_DAYS (not PASSWORD_RESET_TIMEOUT)."""

    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if user is None or not token:
            return False
        try:
            timestamp_b36, _ = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        valid_for = timedelta(days=settings.INVITATION_VALID_DAYS).total_seconds()
        return self._num_seconds(self._now()) - timestamp <= valid_for


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return mail.absolute(reverse("accounts:invitation_accept", args=[uid, token]))


@task
def send_invitation_task(invitation_id: int) -> None:
    """Background task: build a fresh link and send it (the link is never stored)."""
    invitation = Invitation.objects.select_related("user", "organisation").get(pk=invitation_id)
    if invitation.accepted_at or invitation.cancelled_at or not invitation.user.email:
        return
    user = invitation.user
    mail.send(
        to=user.email,
        subject="Set your password for the PWP training tracker",
        template="invitation",
        context={
            "name": user.first_name or user.get_username(),
            "username": user.get_username(),
            "link": invitation_link(user),
            "programme": invitation.organisation.name if invitation.organisation else "",
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@task
def send_invitations_task(invitation_ids: list[int]) -> None:
    """Background task for a whole intake: one task per batch rather than one per person."""
    for invitation_id in invitation_ids:
        send_invitation_task.call(invitation_id)


def _send_after_commit(invitation: Invitation) -> None:
    transaction.on_commit(lambda: send_invitation_task.enqueue(invitation.pk))


def send_after_commit(invitation_ids: list[int]) -> None:
    """Queue the e-mails for many invitations once the transaction that made them has committed."""
    if invitation_ids:
        transaction.on_commit(lambda: send_invitations_task.enqueue(list(invitation_ids)))


def username_for(email: str) -> str:
    """New accounts sign in with their e-mail address as username: nothing new to remember."""
    return email.strip().lower()[:150]


@transaction.atomic
def create_invited_user(
    *, actor, email: str, first_name: str, last_name: str, organisation: Organisation | None
) -> User:
    """A new account with no password yet, and its invitation (sent once the transaction commits)."""
    email = email.strip()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(f"Someone already has an account with the e-mail address {email}.")
    if User.objects.filter(username__iexact=username_for(email)).exists():
        raise DomainError(f"The username {username_for(email)} is taken.")
    user = User(username=username_for(email), email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    record_event(actor=actor, action="user.created", obj=user, after={"email": email})
    invite(actor=actor, user=user, organisation=organisation)
    return user


def invitable_organisations(user) -> list[int]:
    """The education providers whose invitations `user` may see and manage (as their administrator)."""
    if not user.is_authenticated:
        return []
    return list(
        OrganisationMembership.objects.filter(
            user=user, role=OrganisationMembership.Role.ADMINISTRATOR
        ).values_list("organisation_id", flat=True)
    )


@transaction.atomic
def invite(*, actor, user: User, organisation: Organisation | None) -> Invitation:
    """Give a new account an unusable password and e-mail it a link to choose one (after the commit)."""
    if user.has_usable_password():
        raise DomainError(f"{user.display_name} already has a password, so needs no invitation.")
    if not user.email:
        raise DomainError(f"{user.display_name} has no e-mail address to send an invitation to.")
    now = timezone.now()
    invitation, created = Invitation.objects.get_or_create(
        user=user,
        defaults={"organisation": organisation, "invited_by": actor if actor else None},
    )
    if not created and invitation.accepted_at:
        raise DomainError(f"{user.display_name} has already set a password.")
    invitation.last_sent_at = now
    invitation.times_sent += 1
    invitation.cancelled_at = None
    invitation.save(update_fields=["last_sent_at", "times_sent", "cancelled_at"])
    record_event(actor=actor, action="invitation.sent", obj=invitation, after={"email": user.email})
    _send_after_commit(invitation)
    return invitation


def _invitation_for_update(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)


@transaction.atomic
def resend(*, actor, invitation: Invitation) -> Invitation:
    """Send a new link; the old one stops working (a fresh unusable password changes the token's hash)."""
    invitation = _invitation_for_update(invitation)
    if invitation.accepted_at:
        raise DomainError(f"{invitation.user.display_name} has already set a password.")
    user = invitation.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    invitation.last_sent_at = timezone.now()
    invitation.times_sent += 1
    invitation.cancelled_at = None
    invitation.save(update_fields=["last_sent_at", "times_sent", "cancelled_at"])
    record_event(
        actor=actor, action="invitation.resent", obj=invitation, after={"times_sent": invitation.times_sent}
    )
    _send_after_commit(invitation)
    return invitation


@transaction.atomic
def cancel(*, actor, invitation: Invitation) -> Invitation:
    """Stop the link working. The account stays, without a password, until someone resends."""
    invitation = _invitation_for_update(invitation)
    if invitation.accepted_at:
        raise DomainError(f"{invitation.user.display_name} has already set a password.")
    if invitation.cancelled_at:
        raise DomainError("This invitation is already cancelled.")
    user = invitation.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    record_event(actor=actor, action="invitation.cancelled", obj=invitation)
    return invitation


@transaction.atomic
def accept(*, user: User, password: str) -> User:
    """The invited person chose a password: the account is active from now on."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), cancelled_at=None
    )
    record_event(actor=user, action="invitation.accepted", obj=user)
    return user


def open_invitations_for(user):
    """Invitations not yet used, from the education providers `user` administers (newest first)."""
    return (
        Invitation.objects.open()
        .filter(organisation_id__in=invitable_organisations(user))
        .select_related("user", "organisation", "invited_by")
        .order_by("user__last_name", "user__first_name")
    )


def get_invitation_for_user(user, pk: int) -> Invitation:
    from accounts.access import refuse

    invitation = (
        Invitation.objects.filter(pk=pk, organisation_id__in=invitable_organisations(user))
        .select_related("user")
        .first()
    )
    if invitation is None:
        raise refuse(user, "invitation", pk)
    return invitation


def invitations_waiting(*, sent_on_or_before: date) -> list[tuple[Invitation, tuple[int, ...]]]:
    """Open invitations (the invitations page's `Invitation.objects.open()`) last sent on or before a date,
    each with the ids of its education provider's administrators, who see it on that page. Two queries."""
    invitations = list(
        Invitation.objects.open()
        .filter(last_sent_at__date__lte=sent_on_or_before, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    admins: dict[int, tuple[int, ...]] = {}
    for organisation_id, user_id in (
        OrganisationMembership.objects.filter(
            organisation_id__in={i.organisation_id for i in invitations if i.organisation_id},
            role=OrganisationMembership.Role.ADMINISTRATOR,
        )
        .order_by("organisation_id", "user_id")
        .values_list("organisation_id", "user_id")
    ):
        admins[organisation_id] = (*admins.get(organisation_id, ()), user_id)
    return [(i, admins.get(i.organisation_id, ())) for i in invitations]
