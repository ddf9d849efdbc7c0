"""Competence sign-offs and their reopenings: both rows are written once and never changed.

The database guarantees at most one current sign-off per trainee and competence without ever updating a row:
- a trainee's first sign-off of a competence follows no reopening, and only one such row may exist;
- every later sign-off follows exactly one reopening (one-to-one), and every reopening reopens exactly one
  sign-off (one-to-one).
So the sign-offs of a competence form a chain S1 -> R1 -> S2 -> R2 -> S3 ..., and the number of sign-offs not
reopened is (1 + reopenings followed) - (sign-offs reopened) <= 1. Two educators signing at the same moment
both try to insert the same link of the chain; the database lets one in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models.reference import Method
from core.identifiers import DeidentifiedTextField


class SignOffQuerySet(models.QuerySet):
    def current(self):
        """Sign-offs that have not been reopened."""
        return self.filter(reopening__isnull=True)


class SignOff(models.Model):
    """A competence signed off: who, in which role, when, by which method, on what evidence, and a hash of the
    marks. Locked from the moment it is written (migration 0002 installs the trigger)."""

    class Role(models.TextChoices):
        EDUCATOR = "educator", "Educator"
        PROGRAMME_LEAD = "programme_lead", "Programme lead"

    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.PROTECT, related_name="sign_offs")
    competence = models.ForeignKey("curriculum.Competence", on_delete=models.PROTECT, related_name="+")
    attempt = models.OneToOneField("assessments.Attempt", on_delete=models.PROTECT, related_name="sign_off")
    follows = models.OneToOneField(
        "assessments.SignOffReopening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_sign_off",
        help_text="The reopening this sign-off replaces; empty for the first sign-off of a competence.",
    )
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by_role = models.CharField(max_length=20, choices=Role.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=30, choices=Method.choices)
    evidence = models.JSONField(default=list, blank=True, help_text="Name, size and SHA-256 of each file.")
    marks = models.JSONField(help_text="The agreed marks exactly as hashed.")
    marks_sha256 = models.CharField(max_length=64)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "competence", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "competence"],
                condition=Q(follows__isnull=True),
                name="one_first_sign_off_per_competence",
            ),
        ]

    def __str__(self):
        who = self.enrolment.user.display_name
        return f"{self.competence} signed off for {who} on {self.signed_at:%-d %B %Y}"


class SignOffReopening(models.Model):
    """“Reopen with a reason” by the programme lead: a new row beside the sign-off, which itself is kept."""

    sign_off = models.OneToOneField(SignOff, on_delete=models.PROTECT, related_name="reopening")
    reason = DeidentifiedTextField()
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reopened_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reopening_has_a_reason")]

    def __str__(self):
        return f"Reopened {self.reopened_at:%d %b %Y}"
