"""Attempts at an assessment component, their marks, evidence files and accepted mitigating circumstances."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from assessments.models.reference import AssessmentComponent, MarkingCriterion, Method
from core.identifiers import DeidentifiedCharField, DeidentifiedTextField

OPEN_STATUSES = ("submitted", "awaiting_moderation")


class AttemptQuerySet(models.QuerySet):
    def with_context(self):
        return self.select_related(
            "enrolment",
            "enrolment__user",
            "enrolment__cohort",
            "enrolment__cohort__programme",
            "component",
            "component__module",
            "component__marking_scheme",
            "competence",
            "first_marker",
            "second_marker",
            "submitted_by",
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Attempt(models.Model):
    """One submission for a component (and, for clinical assessments, one competence).

    Submitted -> first marked -> (moderated, always for fails and for a sample of passes) -> agreed. Once the
    marks are agreed the row is locked: the database refuses UPDATE and DELETE (migration 0002).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting marking"
        AWAITING_MODERATION = "awaiting_moderation", "Awaiting moderation"
        AGREED = "agreed", "Marks agreed"

    class Outcome(models.TextChoices):
        PASSED = "passed", "Pass"
        FAILED = "failed", "Fail"

    class ModerationReason(models.TextChoices):
        FAIL = "fail", "Every fail is moderated"
        SAMPLE = "sample", "Pass chosen for the moderation sample"

    class Decision(models.TextChoices):
        AGREED = "agreed", "Agreed with the first marker"
        CHANGED = "changed", "Changed the outcome"

    Method = Method

    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.PROTECT, related_name="attempts")
    component = models.ForeignKey(AssessmentComponent, on_delete=models.PROTECT, related_name="attempts")
    competence = models.ForeignKey(
        "curriculum.Competence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=30, choices=Method.choices)
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    note = DeidentifiedTextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    first_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_marked_at = models.DateTimeField(null=True, blank=True)
    first_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    percentage = models.PositiveSmallIntegerField(null=True, blank=True)
    total_score = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = DeidentifiedTextField(blank=True)
    release_on = models.DateField(
        null=True, blank=True, help_text="The day agreed marks and feedback are shown to the trainee."
    )

    moderation_reason = models.CharField(max_length=10, choices=ModerationReason.choices, blank=True)
    second_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    moderation_note = DeidentifiedTextField(blank=True)

    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    agreed_percentage = models.PositiveSmallIntegerField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "component", "competence", "number"]
        indexes = [models.Index(fields=["status", "submitted_on"], name="attempt_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "component", "competence", "number"],
                condition=Q(competence__isnull=False),
                name="unique_attempt_number_per_competence",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "component", "number"],
                condition=Q(competence__isnull=True),
                name="unique_attempt_number_per_component",
            ),
            # One open attempt at a time: a resit opens only once the previous attempt's marks are agreed.
            models.UniqueConstraint(
                fields=["enrolment", "component", "competence"],
                condition=Q(competence__isnull=False, status__in=OPEN_STATUSES),
                name="one_open_attempt_per_competence",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "component"],
                condition=Q(competence__isnull=True, status__in=OPEN_STATUSES),
                name="one_open_attempt_per_component",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__lte=100), name="attempt_percentage_range"
            ),
            models.CheckConstraint(
                condition=Q(agreed_percentage__isnull=True) | Q(agreed_percentage__lte=100),
                name="attempt_agreed_percentage_range",
            ),
            # Nobody second-marks their own marking.
            models.CheckConstraint(
                condition=Q(second_marker__isnull=True) | ~Q(second_marker=F("first_marker")),
                name="second_marker_is_not_first_marker",
            ),
            # Every fail goes to a second marker ...
            models.CheckConstraint(
                condition=~Q(first_outcome="failed") | ~Q(moderation_reason=""),
                name="failed_first_marks_are_moderated",
            ),
            # ... and moderated marks are agreed only with a second marker's decision.
            models.CheckConstraint(
                condition=~Q(status="agreed")
                | Q(moderation_reason="")
                | (Q(second_marker__isnull=False) & ~Q(moderation_decision="")),
                name="moderated_marks_need_a_second_marker",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_moderation")
                | (Q(first_marker__isnull=False) & ~Q(moderation_reason="")),
                name="moderation_follows_first_marking",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed")
                | (
                    Q(first_marker__isnull=False, agreed_at__isnull=False, release_on__isnull=False)
                    & ~Q(outcome="")
                ),
                name="agreed_attempt_is_complete",
            ),
        ]

    def __str__(self):
        subject = self.competence.name if self.competence_id else self.component.name
        return f"{subject}, attempt {self.number}"

    @property
    def subject(self) -> str:
        """What was assessed: the competence for clinical assessments, otherwise the component."""
        return self.competence.name if self.competence_id else self.component.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_released(self, on=None) -> bool:
        """Agreed marks and feedback reach the trainee on the release date, all together."""
        on = on or timezone.localdate()
        return self.status == self.Status.AGREED and self.release_on is not None and self.release_on <= on


class AttemptRating(models.Model):
    """The first marker's rating of one competency item. Written once, with the marks; never changed."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="ratings")
    criterion = models.ForeignKey(MarkingCriterion, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["attempt", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["attempt", "criterion"], name="one_rating_per_item")]

    def __str__(self):
        return f"{self.criterion.title}: {self.rating}"


def evidence_upload_to(instance, filename: str) -> str:
    """A server-chosen name: nothing of the uploader's file name reaches the storage path."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(models.Model):
    """A recording or document attached to an attempt, kept in Django's storage (disk or object storage)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = DeidentifiedCharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class MitigatingCircumstances(models.Model):
    """Accepted mitigating circumstances recorded by a programme administrator: one further attempt."""

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.PROTECT, related_name="mitigating_circumstances"
    )
    component = models.ForeignKey(AssessmentComponent, on_delete=models.PROTECT, related_name="+")
    competence = models.ForeignKey(
        "curriculum.Competence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = DeidentifiedTextField()
    accepted_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "recorded_at"]
        verbose_name_plural = "mitigating circumstances"
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="mitigation_has_a_reason")]

    def __str__(self):
        return f"Mitigating circumstances accepted {self.accepted_on:%d %b %Y}"
