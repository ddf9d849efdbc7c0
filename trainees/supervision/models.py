"""Supervisors, their credentials, the supervision log, case reviews and supervisor reports.

The rules (credential validity, refresher frequency, supervision frequencies) are rows of
`SupervisionRules`, loaded from fixtures/supervision.json; the model's defaults are the values in the IAPT
PWP Best Practice Guide, used when a database has no rule rows at all.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField
from trainees.deidentify import validate_deidentified


def _deidentified(value):  # referenced by migration 0004; the fields now use DeidentifiedTextField
    validate_deidentified(value, what="This text")


class SupervisionRules(models.Model):
    """Supervision and credential rules for a programme (or, with no programme, the default for all)."""

    code = models.SlugField(max_length=60, unique=True)
    name = DeidentifiedCharField(max_length=200)
    programme = models.ForeignKey(
        "curriculum.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervision_rules",
        help_text="Leave empty for the default rules used by every programme without its own.",
    )
    effective_from = models.DateField()
    source = DeidentifiedCharField(max_length=200, blank=True)
    # Credentials
    credential_valid_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=36,
        help_text="Months a supervisor's training (or latest refresher) stays valid. Empty: never lapses.",
    )
    refresher_every_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=24,
        help_text="Months after the latest training at which a refresher is due. Empty: none expected.",
    )
    # Frequencies
    case_management_minutes_per_week = models.PositiveSmallIntegerField(default=60)
    case_management_individual_only = models.BooleanField(
        default=True, help_text="Only individual sessions meet the weekly case-management requirement."
    )
    clinical_skills_minutes_per_fortnight = models.PositiveSmallIntegerField(default=60)
    case_review_interval_days = models.PositiveSmallIntegerField(default=28)
    absence_days_to_exclude_week = models.PositiveSmallIntegerField(
        default=3,
        help_text="Working days (Monday to Friday) of leave or interruption that take a week out.",
    )
    live_assessments_per_year = models.PositiveSmallIntegerField(default=2)
    live_assessment_interventions_per_year = models.PositiveSmallIntegerField(default=2)
    case_management_hours_target = models.PositiveSmallIntegerField(
        default=20, help_text="Hours of case-management supervision expected during training."
    )
    clinical_skills_hours_target = models.PositiveSmallIntegerField(
        default=20, help_text="Hours of clinical-skills supervision expected during training."
    )
    site_max_trainees_per_qualified = models.PositiveSmallIntegerField(
        default=2, help_text="A site needs at least one qualified member of staff for this many trainees."
    )

    class Meta:
        ordering = ["programme", "-effective_from"]
        verbose_name_plural = "supervision rules"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "effective_from"], name="unique_supervision_rules_per_programme"
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(programme__isnull=True),
                name="unique_default_supervision_rules",
            ),
            models.CheckConstraint(
                condition=Q(case_management_minutes_per_week__gte=1)
                & Q(clinical_skills_minutes_per_fortnight__gte=1)
                & Q(case_review_interval_days__gte=1)
                & Q(absence_days_to_exclude_week__gte=1, absence_days_to_exclude_week__lte=5)
                & Q(site_max_trainees_per_qualified__gte=1),
                name="supervision_rules_positive",
            ),
        ]

    def __str__(self):
        return self.name


class SupervisorProfile(models.Model):
    """Who a supervisor is: background and PWP experience. Their training is in SupervisorTraining."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisor_profile"
    )
    professional_background = DeidentifiedTextField(blank=True)
    pwp_experience = DeidentifiedTextField("PWP experience", blank=True)
    qualified_as_pwp_on = models.DateField("Qualified as a PWP on", null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Supervisor profile of {self.user}"


class SupervisorTraining(models.Model):
    """One low-intensity supervisor training course (or refresher) a supervisor completed.

    Once an educator or administrator has verified it, the database refuses any change or deletion.
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", "Low-intensity supervisor training"
        REFRESHER = "refresher", "Refresher training"

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisor_trainings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    provider = DeidentifiedCharField(max_length=200)
    provider_iapt_accredited = models.BooleanField(
        "The provider is an IAPT-accredited training provider", default=False
    )
    completed_on = models.DateField()
    certificate = models.FileField(max_length=200, blank=True)
    certificate_filename = DeidentifiedCharField(max_length=200, blank=True)
    certificate_content_type = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["supervisor", "completed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True, verified_at__isnull=True)
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="training_verified_by_and_at_together",
            ),
            models.CheckConstraint(
                condition=~Q(verified_by=F("supervisor")), name="training_not_verified_by_supervisor"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.provider}, {self.completed_on:%d %b %Y}"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class SupervisionSessionQuerySet(models.QuerySet):
    def current(self):
        """Entries not replaced by a reopened version (the log as it stands)."""
        return self.filter(replaced_by__isnull=True)

    def confirmed(self):
        return self.current().filter(status=SupervisionSession.Status.CONFIRMED)

    def awaiting(self):
        return self.current().filter(status=SupervisionSession.Status.AWAITING)


class SupervisionSession(models.Model):
    """One supervision session, logged by the trainee and confirmed by the supervisor.

    Only confirmed sessions count. Once confirmed the database refuses any change or deletion; a programme
    lead, educator or administrator may reopen it with a reason, which creates a new version (`replaces`)
    awaiting confirmation again and leaves the confirmed row untouched.
    """

    class Kind(models.TextChoices):
        CASE_MANAGEMENT = "case_management", "Case management"
        CLINICAL_SKILLS = "clinical_skills", "Clinical skills"
        MANAGEMENT = "management", "Management or appraisal"

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for the supervisor to confirm"
        CONFIRMED = "confirmed", "Confirmed"

    class Outcome(models.TextChoices):
        COMPETENT = "competent", "Competent"
        NOT_YET = "not_yet", "Not yet competent"

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.CASCADE, related_name="supervision_sessions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.INDIVIDUAL)
    group_size = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many trainees or practitioners took part, you included."
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_sessions_given"
    )
    topics = DeidentifiedTextField(blank=True)
    cases_reviewed = models.ManyToManyField(
        "trainees.Case", through="CaseReview", blank=True, related_name="supervision_sessions"
    )
    live_assessment_intervention = models.ForeignKey(
        "curriculum.Intervention", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    live_assessment_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    live_assessment_score = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AWAITING)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    reopen_reason = DeidentifiedTextField(blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SupervisionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "-date", "-id"]
        indexes = [
            models.Index(fields=["enrolment", "date"], name="supervision_enrolment_date"),
            models.Index(fields=["supervisor", "status"], name="supervision_supervisor_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=480), name="supervision_minutes_5_to_480"
            ),
            models.CheckConstraint(
                condition=Q(format="individual", group_size__isnull=True)
                | Q(format="group", group_size__gte=2),
                name="supervision_group_size_matches_format",
            ),
            models.CheckConstraint(
                condition=Q(live_assessment_intervention__isnull=True, live_assessment_outcome="")
                | Q(
                    kind="clinical_skills",
                    live_assessment_intervention__isnull=False,
                    live_assessment_outcome__in=["competent", "not_yet"],
                ),
                name="live_assessment_complete_and_clinical_skills",
            ),
            models.CheckConstraint(
                condition=Q(status="awaiting", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False),
                name="supervision_confirmed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reopen_reason=""),
                name="reopened_supervision_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} supervision on {self.date:%d %b %Y} ({self.minutes} minutes)"

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class CaseReview(models.Model):
    """A case reviewed in a case-management session. Locked (by trigger) with its confirmed session."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="case_reviews")
    case = models.ForeignKey("trainees.Case", on_delete=models.PROTECT, related_name="reviews")
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "case"]
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="one_review_per_case_session")
        ]

    def __str__(self):
        return f"{self.case} reviewed in {self.session}"


class Leave(models.Model):
    """Leave a trainee takes (annual leave, sickness, study): weeks taken up by it are not counted."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual leave"
        SICKNESS = "sickness", "Sickness"
        STUDY = "study", "Study leave"
        OTHER = "other", "Other"

    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.CASCADE, related_name="leave")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ANNUAL)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of leave.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "starts_on"]
        verbose_name_plural = "leave"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_after_start")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"


class SupervisorReport(models.Model):
    """A supervisor's structured interim (mid-term) or final (end of year) report. Locked once signed."""

    class Kind(models.TextChoices):
        INTERIM = "interim", "Interim (mid-term) report"
        FINAL = "final", "Final (end of year) report"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    class Progress(models.TextChoices):
        MEETING = "meeting", "Meeting the expected standard"
        CONCERNS = "concerns", "Some concerns: needs support to meet the standard"
        NOT_MEETING = "not_meeting", "Not meeting the expected standard"

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.CASCADE, related_name="supervisor_reports"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisor_reports_written"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_start = models.DateField("Period from")
    period_end = models.DateField("Period to")
    engagement = DeidentifiedTextField("Engagement with supervision")
    clinical_skills = DeidentifiedTextField("Clinical skills and interventions")
    case_management = DeidentifiedTextField("Caseload and case management")
    values = DeidentifiedTextField("Values, diversity and professional conduct")
    strengths = DeidentifiedTextField()
    development = DeidentifiedTextField("Areas for development")
    progress = models.CharField("Overall progress", max_length=12, choices=Progress.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False),
                name="report_signed_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.enrolment.user.display_name} by {self.supervisor}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class ServiceSite(models.Model):
    """A site of an NHS Talking Therapies service, with its count of qualified staff (for the 1:2 ratio)."""

    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="sites",
        limit_choices_to={"kind": "service"},
    )
    name = DeidentifiedCharField(max_length=200)
    qualified_staff = models.PositiveSmallIntegerField(
        help_text="Qualified staff who can support trainees at this site (PWPs and other clinicians)."
    )
    counted_on = models.DateField(help_text="When the qualified staff were last counted.")

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="unique_site_name")]

    def __str__(self):
        return f"{self.name} ({self.service})"


class SitePlacement(models.Model):
    """Which site of their employing service a trainee works at."""

    enrolment = models.OneToOneField(
        "trainees.Enrolment", on_delete=models.CASCADE, related_name="site_placement"
    )
    site = models.ForeignKey(ServiceSite, on_delete=models.PROTECT, related_name="placements")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.enrolment.user.display_name} at {self.site}"
