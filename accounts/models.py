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

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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
        return f"{self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


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
