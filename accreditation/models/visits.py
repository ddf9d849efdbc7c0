"""Accreditation visits: visitors and their time windows."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField


class VisitQuerySet(models.QuerySet):
    def open_on(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Visit(models.Model):
    """A BPS programme visit or a review of individual applications, with visitors and a time window."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", "BPS programme accreditation visit"
        INDIVIDUAL = "individual", "Review of individual applications"

    programme = models.ForeignKey("curriculum.Programme", on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = DeidentifiedCharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="VisitAssignment", related_name="visits"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="visit_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def is_open(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on <= self.ends_on


class VisitAssignment(models.Model):
    """A visitor's read-only access to one visit, valid only inside the visit's window."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assignments")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_assignments"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "visitor"], name="unique_visitor_per_visit")]

    def __str__(self):
        return f"{self.visitor} on {self.visit}"
