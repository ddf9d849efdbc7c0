from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from core.identifiers import DeidentifiedCharField


class User(AbstractUser):
    """A person who signs in. What they may do comes from memberships, never from flags on this row."""

    email = models.EmailField("email address", blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """An education provider (HEI) or an NHS Talking Therapies service that employs trainees."""

    class Kind(models.TextChoices):
        HEI = "hei", "Education provider"
        SERVICE = "service", "NHS Talking Therapies service"

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A service's case references (trainees/deidentify.py checks every one against these).
    case_reference_pattern = DeidentifiedCharField(
        max_length=200,
        blank=True,
        help_text="A regular expression the whole case reference must match, for example [A-Z]{2}\\d{6}. "
        "Left blank, any reference is accepted that has no name-like pair of words and no identifier.",
    )
    case_reference_format = DeidentifiedCharField(
        max_length=200,
        blank=True,
        help_text="What the service's case references look like, in words, for example "
        "“two letters and six digits, such as NV123456”. Shown when a reference is refused.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        import re

        from django.core.exceptions import ValidationError

        if self.case_reference_pattern:
            try:
                re.compile(self.case_reference_pattern)
            except re.error as error:
                raise ValidationError(
                    {"case_reference_pattern": f"This is not a regular expression Python can read: {error}."}
                ) from error


class OrganisationMembership(models.Model):
    """A role held at an organisation: programme administrators administer every programme of their HEI."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Programme administrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_org_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


class LoginSession(models.Model):
    """Which session belongs to whom, so that deactivating a person can end every one of their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Session of {self.user} since {self.created_at:%-d %B %Y %H:%M}"


class AuditEvent(models.Model):
    """One append-only line of the audit trail. The database refuses UPDATE and DELETE on this table."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint: the trail must outlive the rows it mentions, and must never be rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action} {self.object_repr}"


class AuditSeal(models.Model):
    """A link in a hash chain over the audit trail (accounts/integrity.py): the hash of every event up to
    `last_event_id`, chained to the seal before it. Append-only like the trail itself. `verify_records`
    recomputes every seal, so an audit line removed or rewritten behind the product's back is found."""

    sealed_at = models.DateTimeField(default=timezone.now)
    last_event_id = models.BigIntegerField(unique=True)
    event_count = models.PositiveIntegerField()
    chain_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["last_event_id"]

    def __str__(self):
        return f"Audit trail sealed up to event {self.last_event_id}"


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Sent, not yet used to set a password, not cancelled."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)


class Invitation(models.Model):
    """The e-mail that lets a new account holder choose a password. The link itself is a token from Django's
    token machinery (accounts/invitations.py), so nothing secret is stored here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation")
    # The education provider whose administrators may see, resend and cancel this invitation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="invitation_accepted_or_cancelled_not_both",
            )
        ]

    def __str__(self):
        return f"Invitation for {self.user}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Activated"
        if self.cancelled_at:
            return "Cancelled"
        return "Waiting"
