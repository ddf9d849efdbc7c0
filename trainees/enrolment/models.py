from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.dates import add_months, month_of_training
from core.identifiers import DeidentifiedCharField


class EnrolmentQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related(
            "user", "cohort", "cohort__programme", "route", "route__edition", "employing_service"
        )

    def for_cohort_table(self, cohort):
        """Rows for the cohort page: everything a column needs, loaded up front (no query per row)."""
        return self.with_people().filter(cohort=cohort).order_by("user__last_name", "user__first_name")

    def active(self):
        return self.filter(status=Enrolment.Status.ACTIVE)


class Enrolment(models.Model):
    """A trainee's place on a cohort: their route, start date, employing service, band and status."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INTERRUPTED = "interrupted", "Interrupted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    class Band(models.IntegerChoices):
        BAND_4 = 4, "Band 4 (trainee)"
        BAND_5 = 5, "Band 5 (qualified)"
        BAND_6 = 6, "Band 6 (senior)"
        BAND_7 = 7, "Band 7"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey("curriculum.Cohort", on_delete=models.PROTECT, related_name="enrolments")
    route = models.ForeignKey("curriculum.Route", on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField()
    employing_service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="employed_enrolments",
        limit_choices_to={"kind": "service"},
    )
    band = models.PositiveSmallIntegerField(choices=Band.choices, default=Band.BAND_4)
    # The education provider's number for the student on this programme (a person may hold another number on
    # another programme, hence here rather than on the account).
    student_number = models.CharField(max_length=40, blank=True)
    # Optional national identifiers the education provider returns to HESA (the HESA student identifier or
    # the unique learner number). Shown to staff only.
    hesa_number = models.CharField("HESA or ULN number", max_length=20, blank=True)
    # The trainee's staff identifier in the employing service's clinical system (the care professional's
    # local identifier in a Talking Therapies extract): how rows of a file holding several practitioners are
    # matched to this trainee.
    service_staff_id = models.CharField("Staff identifier in the service", max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Goes up by one, in the same transaction, whenever any record the trainee's portfolio shows changes
    # (`trainees.enrolment.versions.bump_records_version`, called by every service writing such a record).
    # The live portfolio's render cache is keyed by it, so an unchanged repeat reads only this number.
    records_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort"], name="one_enrolment_per_cohort"),
            models.UniqueConstraint(
                fields=["cohort", "student_number"],
                condition=~Q(student_number=""),
                name="one_student_number_per_cohort",
            ),
            models.UniqueConstraint(
                fields=["employing_service", "service_staff_id"],
                condition=~Q(service_staff_id="") & Q(status="active"),
                name="one_active_trainee_per_service_staff_id",
            ),
            models.CheckConstraint(condition=Q(band__gte=4, band__lte=9), name="enrolment_band_4_to_9"),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False) | ~Q(status="completed"),
                name="completed_enrolment_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.user.display_name} ({self.cohort.code})"

    @property
    def nominal_window_end(self) -> date:
        """The end of the route's window before any interruption moves it later."""
        return add_months(self.start_date, self.route.window_months)

    def month_of_training(self, on: date | None = None) -> int:
        """1 in the first month of training, 2 in the second, and so on (0 before the start)."""
        return month_of_training(self.start_date, on or timezone.localdate())


class Interruption(models.Model):
    """A pause in training (maternity leave, sickness, ...). The 12-month window, supervision frequencies
    and the caseload ramp all stop counting while it lasts. Recorded by an educator."""

    class Reason(models.TextChoices):
        MATERNITY = "maternity", "Maternity or parental leave"
        SICKNESS = "sickness", "Sickness"
        PERSONAL = "personal", "Personal circumstances"
        OTHER = "other", "Other"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="interruptions")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of the interruption.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = DeidentifiedCharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="interruption_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"

    def days_within(self, start: date, end: date) -> int:
        """How many days of this interruption fall between start and end (inclusive)."""
        first, last = max(self.starts_on, start), min(self.ends_on, end)
        return max((last - first).days + 1, 0)


class SupervisorAssignmentQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class SupervisorAssignment(models.Model):
    """Who supervises a trainee, in which capacity, from when until when."""

    class Kind(models.TextChoices):
        CASE_MANAGEMENT = "case_management", "Case-management supervisor"
        CLINICAL_SKILLS = "clinical_skills", "Clinical-skills supervisor"
        LINE_MANAGER = "line_manager", "Line manager"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="supervisor_assignments")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisor_assignments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = SupervisorAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "kind", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.supervisor} – {self.get_kind_display()} for {self.enrolment}"


class EnrolmentChange(models.Model):
    """One change in a trainee's place over time (withdrawal, transfer to another cohort, change of route),
    with its date and reason. The enrolment row keeps its records; this keeps what it was before."""

    class Kind(models.TextChoices):
        WITHDRAWN = "withdrawn", "Withdrawn"
        TRANSFERRED = "transferred", "Transferred to another cohort"
        ROUTE_CHANGED = "route_changed", "Route changed"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    reason = DeidentifiedCharField(max_length=300)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "on", "recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.on:%d %b %Y}"


class EnrolmentFacts(models.Model):
    """A trainee's derived facts (caseload figures, supervision compliance, training days), remembered between
    requests by `trainees.enrolment.facts.remember`. A row is good only while its `stamp` matches: the
    enrolment's records version, the code that worked the facts out and the day they were worked out for.
    Nothing here is a record: any row may be deleted at any time and is worked out again when next asked."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    slot = models.CharField(max_length=60)
    stamp = models.CharField(max_length=200)
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "slot"], name="one_facts_row_per_slot")]

    def __str__(self):
        return f"{self.slot} for enrolment {self.enrolment_id}"
