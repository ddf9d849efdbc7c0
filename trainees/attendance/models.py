"""Training days: the cohort's university teaching days, their registers, catch-ups and workplace days.

Register marks are versions: a correction adds a new mark that `replaces` the one before, and the database
refuses UPDATE and DELETE on the table, so every register keeps who changed what and when. Decided catch-ups
and reviewed workplace days are frozen the same way.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField


class TeachingDay(models.Model):
    """One university teaching day of a cohort's schedule, tied to a curriculum module."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey("curriculum.Cohort", on_delete=models.CASCADE, related_name="teaching_days")
    module = models.ForeignKey("curriculum.Module", on_delete=models.PROTECT, related_name="teaching_days")
    date = models.DateField()
    topic = DeidentifiedCharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = DeidentifiedCharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cohort", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "date"], condition=Q(status="scheduled"), name="one_teaching_day_a_date"
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled", cancelled_reason="") | Q(status="cancelled"),
                name="only_cancelled_days_have_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status", "date"], name="teaching_day_cohort_idx")]

    def __str__(self):
        return f"{self.date:%a %d %b %Y} (module {self.module.number})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    AUTHORISED_ABSENCE = "authorised_absence", "Authorised absence"
    UNAUTHORISED_ABSENCE = "unauthorised_absence", "Unauthorised absence"


ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})
ABSENT = frozenset({AttendanceStatus.AUTHORISED_ABSENCE, AttendanceStatus.UNAUTHORISED_ABSENCE})
PART_DAY = frozenset({AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})
# A teaching day is at most a long working day; more minutes than this is a typing mistake.
MAX_MINUTES_MISSED = 480


class AttendanceMarkQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each mark: the ones no correction has replaced."""
        return self.filter(replaced_by__isnull=True)


class AttendanceMark(models.Model):
    """One trainee's attendance on one teaching day, as one version. Never updated or deleted."""

    class Source(models.TextChoices):
        REGISTER = "register", "Register page"
        IMPORT = "import", "Spreadsheet import"

    teaching_day = models.ForeignKey(TeachingDay, on_delete=models.PROTECT, related_name="marks")
    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    minutes_missed = models.PositiveSmallIntegerField(default=0)
    note = DeidentifiedCharField(max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    reason = DeidentifiedCharField(max_length=200, blank=True, help_text="Why a correction was made.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        ordering = ["teaching_day", "enrolment", "recorded_at", "id"]
        constraints = [
            # The first mark for a trainee and a day; every later one replaces the one before it.
            models.UniqueConstraint(
                fields=["teaching_day", "enrolment"],
                condition=Q(replaces__isnull=True),
                name="one_first_mark_per_day",
            ),
            models.CheckConstraint(
                # A programme may record lateness without minutes (then a late mark has none).
                condition=Q(status__in=["late", "left_early"]) | Q(minutes_missed=0),
                name="minutes_missed_only_when_late_or_left_early",
            ),
            models.CheckConstraint(
                condition=Q(minutes_missed__lte=MAX_MINUTES_MISSED), name="minutes_missed_at_most_a_day"
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reason=""), name="correction_has_a_reason"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.user.display_name} on {self.teaching_day}: {self.describe()}"

    def describe(self) -> str:
        label = self.get_status_display()
        if self.status in PART_DAY:
            if not self.minutes_missed:
                return f"{label} (minutes not recorded)"
            return f"{label} ({self.minutes_missed} minutes missed)"
        return label

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class CatchUp(models.Model):
    """Work that makes up a missed university day. Counts against the day's module once an educator
    approves it. Decided catch-ups are frozen by the database."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"

    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.PROTECT, related_name="catch_ups")
    teaching_day = models.ForeignKey(TeachingDay, on_delete=models.PROTECT, related_name="catch_ups")
    activity = DeidentifiedCharField(max_length=300)
    completed_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = DeidentifiedCharField(max_length=500, blank=True)

    class Meta:
        ordering = ["enrolment", "teaching_day__date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "teaching_day"],
                condition=Q(status__in=["submitted", "approved"]),
                name="one_live_catch_up_per_missed_day",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", decided_at__isnull=True)
                | (~Q(status="submitted") & Q(decided_at__isnull=False)),
                name="catch_up_decided_has_a_time",
            ),
        ]

    def __str__(self):
        return f"Catch-up for {self.teaching_day} ({self.get_status_display()})"


class WorkplaceDay(models.Model):
    """A day of university-directed learning in the workplace, logged by the trainee. Counts once a
    supervisor confirms it. Reviewed days are frozen by the database."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for the supervisor"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Not confirmed"

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.PROTECT, related_name="workplace_days"
    )
    date = models.DateField()
    module = models.ForeignKey("curriculum.Module", on_delete=models.PROTECT, related_name="workplace_days")
    activity = DeidentifiedCharField(max_length=200)
    reflection = DeidentifiedTextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    logged_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = DeidentifiedCharField(max_length=500, blank=True)

    class Meta:
        ordering = ["enrolment", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "date"],
                condition=Q(status__in=["submitted", "confirmed"]),
                name="one_workplace_day_a_date",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", reviewed_at__isnull=True)
                | (~Q(status="submitted") & Q(reviewed_at__isnull=False)),
                name="workplace_day_reviewed_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(comment=""), name="rejected_workplace_day_says_why"
            ),
        ]

    def __str__(self):
        return f"Workplace day {self.date:%d %b %Y} ({self.get_status_display()})"
