"""Notification kinds (rules as data), the items people receive, and each person's e-mail choices."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.identifiers import DeidentifiedCharField


class EmailFrequency(models.TextChoices):
    """How a kind reaches a person by e-mail (the in-product item always stays)."""

    AT_ONCE = "at_once", "At once"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    OFF = "off", "Not by e-mail"


class NotificationKind(models.Model):
    """One rule: which condition, who hears of it, how urgent, when, and how it reaches people by e-mail
    unless they choose otherwise (fixtures/notifications.json)."""

    class Timing(models.TextChoices):
        AT_ONCE = "at_once", "At once"
        BEFORE = "before", "A number of days before the date"
        REPEAT = "repeat", "Every few days while it is outstanding"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        SOON = "soon", "Needs action soon"
        URGENT = "urgent", "Urgent"

    code = models.SlugField(max_length=60, unique=True)
    # Edited by administrators in the Django admin: free text, so the identifier guard checks it.
    name = DeidentifiedCharField(max_length=120)
    description = DeidentifiedCharField(max_length=300, blank=True)
    condition = models.CharField(
        max_length=60, help_text="The condition the rule watches (see notifications/sources.py)."
    )
    recipients = models.CharField(
        max_length=200,
        help_text="Comma-separated roles: trainee, supervisors, case_management_supervisor, "
        "educators, requester.",
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.AT_ONCE)
    days = models.PositiveSmallIntegerField(
        default=0, help_text="Days before the date (before) or between reminders (every few days)."
    )
    default_frequency = models.CharField(
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DAILY,
        help_text="How it reaches someone by e-mail until they choose otherwise. A daily digest unless it is "
        "time-critical for one person (a visit pack they asked for): nobody should be flooded.",
    )
    enabled = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(timing="at_once") | Q(days__gt=0), name="timed_kind_has_days"),
        ]

    def __str__(self):
        return self.name

    @property
    def recipient_roles(self) -> tuple[str, ...]:
        return tuple(r.strip() for r in self.recipients.split(",") if r.strip())

    def frequency_for(self, chosen: str | None) -> str:
        """The one place that decides how this kind reaches a person by e-mail: their own choice (an
        EmailPreference row) when they made one, otherwise the kind's default."""
        return chosen or self.default_frequency


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person is told; never twice for the same recipient, kind, subject and due date."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.ForeignKey(NotificationKind, on_delete=models.PROTECT, related_name="notifications")
    subject = models.CharField(
        max_length=80, help_text="What it is about, as type:id (for example attempt:12)."
    )
    due_on = models.DateField()
    enrolment = models.ForeignKey(
        "trainees.Enrolment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trainee_name = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_claim = models.CharField(
        max_length=40, blank=True, help_text="The run that sent (or skipped) the e-mail, so only one does."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "due_on"], name="one_notification_per_due_date"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["email_claim", "id"], name="notification_email_idx"),
        ]

    def __str__(self):
        return self.text


class EmailPreference(models.Model):
    """How one person chose to get one kind by e-mail. No row means the kind's default_frequency
    (NotificationKind.frequency_for). The in-product item always stays."""

    Frequency = EmailFrequency

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.ForeignKey(NotificationKind, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_email_preference_per_kind")]

    def __str__(self):
        return f"{self.user} – {self.kind}: {self.get_frequency_display()}"
