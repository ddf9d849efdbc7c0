"""The CPD log of a qualified practitioner (or a CPD-route trainee): activities, reflections, evidence.

A supervisor confirms an activity; a confirmed activity is locked by a database trigger (see migration
0006_cpd). The only way back is "reopen with a reason" by programme staff, which adds a NEW row that
supersedes the locked one; the locked row stays exactly as it was confirmed.
"""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField
from trainees.deidentify import validate_deidentified


def validate_reflection(value: str) -> None:
    validate_deidentified(value, what="The reflective statement")


def validate_title(value: str) -> None:
    validate_deidentified(value, what="The title")


def cpd_evidence_path(instance, filename: str) -> str:
    """A server-chosen name: the person's original file name never reaches the storage."""
    extension = PurePath(filename).suffix.lower()
    return f"cpd/{instance.enrolment_id}/{uuid.uuid4().hex}{extension}"


class CpdActivityQuerySet(models.QuerySet):
    def current(self):
        """Activities not superseded by a reopened copy: the ones that count."""
        newer = CpdActivity.objects.filter(supersedes=OuterRef("pk"))
        return self.filter(~Exists(newer))


class CpdActivity(models.Model):
    class Status(models.TextChoices):
        RECORDED = "recorded", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed by supervisor"

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.PROTECT, related_name="cpd_activities"
    )
    date = models.DateField()
    title = DeidentifiedCharField(max_length=200)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("100"))],
        help_text="How long the activity took, in hours (for example 1.5).",
    )
    cbt_informed = models.BooleanField(
        "CBT-informed skills development",
        default=False,
        help_text="Tick if the activity developed your CBT-informed skills.",
    )
    reflection = DeidentifiedTextField(
        "reflective statement",
        blank=True,
        help_text="What you learnt and how it changes your practice. Do not identify any patient.",
    )
    evidence = models.FileField(upload_to=cpd_evidence_path, blank=True, max_length=200)
    evidence_name = DeidentifiedCharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reopen_reason = DeidentifiedTextField(blank=True)

    objects = CpdActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "CPD activity"
        verbose_name_plural = "CPD activities"
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="cpd_hours_positive"),
            models.CheckConstraint(
                condition=Q(status="recorded", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="cpd_confirmation_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(reopen_reason=""),
                name="cpd_reopening_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d %b %Y})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def has_reflection(self) -> bool:
        return bool(self.reflection.strip())
