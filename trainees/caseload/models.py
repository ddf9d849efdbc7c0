"""The caseload: cases (known only by a pseudonymous reference), ramp profiles, a programme's caseload
settings, contacts and imports. Nothing here stores a name, NHS number, date of birth or address."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField
from trainees.caseload.open_cases import open_on_q


class CaseQuerySet(models.QuerySet):
    def open_on(self, day):
        """Cases open on `day`, by the one definition in trainees/caseload/open_cases.py."""
        return self.filter(open_on_q(day))


class Case(models.Model):
    """A patient on a trainee's caseload, known only by the service's pseudonymous case reference.

    Shared by the caseload (contacts) and by case-management supervision (case reviews).
    """

    class PresentingProblem(models.TextChoices):
        DEPRESSION = "depression", "Depression"
        GAD = "gad", "Generalised anxiety"
        PANIC = "panic", "Panic"
        HEALTH_ANXIETY = "health_anxiety", "Health anxiety"
        OCD = "ocd", "Obsessive-compulsive disorder"
        PHOBIA = "phobia", "Specific phobia"
        SOCIAL_ANXIETY = "social_anxiety", "Social anxiety"
        PTSD = "ptsd", "Post-traumatic stress"
        MIXED = "mixed", "Mixed anxiety and depression"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.CASCADE, related_name="cases")
    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": "service"},
    )
    reference = DeidentifiedCharField("case reference", max_length=40)
    presenting_problem = models.CharField(max_length=20, choices=PresentingProblem.choices, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # Why the referral ended, in words (from a Talking Therapies extract's ending code, through the import
    # profile); blank when the case was closed by hand or by a discharge contact.
    end_reason = DeidentifiedCharField("why the referral ended", max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "service", "reference"], name="unique_case_reference"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False),
                name="case_status_matches_closed_on",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_depression(self) -> bool:
        return self.presenting_problem in {self.PresentingProblem.DEPRESSION, self.PresentingProblem.MIXED}

    @property
    def is_anxiety(self) -> bool:
        return self.presenting_problem not in {
            "",
            self.PresentingProblem.DEPRESSION,
            self.PresentingProblem.OTHER,
        }


class RampProfile(models.Model):
    """How a trainee's expected caseload builds up over the training year. Rows come from
    fixtures/caseload.json, so programmes can add profiles without a code change.

    stepped: nothing for `none_months`, then `partial_share` of a full caseload until `full_from_month`,
             then a full caseload (the guide's ramp: 2 months none, 80% to month 9, full from month 10).
    linear:  nothing for `none_months`, then a straight line up to `end_share` of full at the end of
             `training_months` (the curriculum's ramp: build up to 60-80% by the end of training).
    """

    class Kind(models.TextChoices):
        STEPPED = "stepped", "Stepped"
        LINEAR = "linear", "Linear build-up"

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=120)
    description = DeidentifiedTextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_default = models.BooleanField(default=False)
    training_months = models.PositiveSmallIntegerField(default=12)
    none_months = models.PositiveSmallIntegerField(
        default=2, help_text="Months at the start with no caseload (shadowing and skills rehearsal)."
    )
    partial_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        help_text="Stepped: share of a full caseload.",
    )
    full_from_month = models.PositiveSmallIntegerField(
        default=10, help_text="Stepped: the month from which a full caseload is expected."
    )
    end_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text="Linear: share of full reached at the end.",
    )
    episode_weeks = models.PositiveSmallIntegerField(
        default=8,
        help_text="Average weeks a patient stays on the caseload (for the expected active caseload).",
    )
    inactive_after_weeks = models.PositiveSmallIntegerField(
        default=12, help_text="An open case with no contact for this long no longer counts as active."
    )
    tolerance_percent = models.PositiveSmallIntegerField(
        default=20, help_text="Within this percentage of the expected figure counts as on track."
    )
    tolerance_patients = models.PositiveSmallIntegerField(
        default=5, help_text="...or within this many patients, whichever is larger."
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_ramp"
            ),
            models.CheckConstraint(
                condition=Q(partial_share__gte=0, partial_share__lte=1, end_share__gte=0, end_share__lte=1),
                name="ramp_shares_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(training_months__gte=1) & Q(none_months__lt=F("training_months")),
                name="ramp_none_months_within_training",
            ),
            models.CheckConstraint(
                condition=Q(full_from_month__gt=F("none_months"))
                & Q(full_from_month__lte=F("training_months") + 1),
                name="ramp_full_month_within_training",
            ),
            models.CheckConstraint(condition=Q(episode_weeks__gte=1), name="ramp_episode_weeks_positive"),
        ]

    def __str__(self):
        return self.name


class CaseloadSettings(models.Model):
    """A programme's choice of ramp profile and full annual caseload (the guide: more than 250 a year)."""

    programme = models.OneToOneField(
        "curriculum.Programme", on_delete=models.CASCADE, related_name="caseload_settings"
    )
    profile = models.ForeignKey(RampProfile, on_delete=models.PROTECT, related_name="programme_settings")
    annual_caseload = models.PositiveSmallIntegerField(
        default=250, help_text="New patients a year for a fully qualified practitioner."
    )
    none_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months with no caseload at the start; blank uses the profile's."
    )
    contact_hours_target = models.PositiveSmallIntegerField(
        default=80, help_text="Direct clinical contact hours the programme reports (80 for accredited ones)."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "caseload settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_caseload__gte=1, annual_caseload__lte=1000),
                name="annual_caseload_1_to_1000",
            ),
            models.CheckConstraint(
                condition=Q(none_months__isnull=True) | Q(none_months__lte=11),
                name="settings_none_months_max_11",
            ),
            models.CheckConstraint(
                condition=Q(contact_hours_target__lte=2000), name="contact_hours_target_max_2000"
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.profile}, {self.annual_caseload} a year"


class Contact(models.Model):
    """One clinical contact with a patient, known only by the case's pseudonymous reference."""

    class Type(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        TREATMENT = "treatment", "Treatment"
        REVIEW = "review", "Review"
        DISCHARGE = "discharge", "Discharge"

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        TELEPHONE = "telephone", "Telephone"
        VIDEO = "video", "Video"
        ONLINE = "online", "Online"
        GROUP = "group", "Group"
        COMPUTERISED_CBT = "computerised_cbt", "Computerised CBT"

    class Outcome(models.TextChoices):
        STEPPED_UP = "stepped_up", "Stepped up"
        STEPPED_DOWN = "stepped_down", "Stepped down"
        DISCHARGED = "discharged", "Discharged"
        DROPPED_OUT = "dropped_out", "Dropped out"

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered by the trainee"
        IMPORTED = "imported", "Imported from the service's system"

    MINUTES_MAX = 240
    MEASURE_RANGES = {"phq9": (0, 27), "gad7": (0, 21), "wsas": (0, 40)}

    case = models.ForeignKey("trainees.Case", on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField()
    type = models.CharField(max_length=12, choices=Type.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    intervention = models.ForeignKey(
        "curriculum.Intervention", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    minutes = models.PositiveSmallIntegerField()
    phq9 = models.PositiveSmallIntegerField("PHQ-9", null=True, blank=True)
    gad7 = models.PositiveSmallIntegerField("GAD-7", null=True, blank=True)
    wsas = models.PositiveSmallIntegerField("WSAS", null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    # The source system's own identifier for the contact (a Talking Therapies CareContactId): a later
    # extract updates the contact it names instead of adding another.
    source_id = models.CharField(max_length=60, blank=True)
    imported_by = models.ForeignKey(
        "trainees.CaseloadImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "case"]
        indexes = [
            models.Index(fields=["case", "date"], name="contact_case_date"),
            # Not partial: SQLite uses a partial index only when the query repeats its condition.
            models.Index(fields=["source_id"], name="contact_source_id"),
        ]
        constraints = [
            # The same case, date and type is the same contact: a re-import recognises it.
            models.UniqueConstraint(fields=["case", "date", "type"], name="one_contact_per_case_date_type"),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=240), name="contact_minutes_1_to_240"
            ),
            models.CheckConstraint(
                condition=Q(phq9__isnull=True) | Q(phq9__lte=27), name="contact_phq9_0_to_27"
            ),
            models.CheckConstraint(
                condition=Q(gad7__isnull=True) | Q(gad7__lte=21), name="contact_gad7_0_to_21"
            ),
            models.CheckConstraint(
                condition=Q(wsas__isnull=True) | Q(wsas__lte=40), name="contact_wsas_0_to_40"
            ),
            models.CheckConstraint(
                condition=~Q(type="treatment") | Q(intervention__isnull=False),
                name="treatment_contact_names_intervention",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["assessment", "treatment", "review", "discharge"]),
                name="contact_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    mode__in=["face_to_face", "telephone", "video", "online", "group", "computerised_cbt"]
                ),
                name="contact_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "stepped_up", "stepped_down", "discharged", "dropped_out"]),
                name="contact_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.get_type_display().lower()} on {self.date:%d %b %Y}"

    @property
    def closes_case(self) -> bool:
        """A discharge, or any outcome (stepped up or down, discharged, dropped out), ends the episode."""
        return self.type == self.Type.DISCHARGE or bool(self.outcome)


class ColumnMapping(models.Model):
    """A service's own column headings for the contact export from its clinical system, saved once and
    reused. `headings` maps each of the importer's field codes to the heading used in the file."""

    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="caseload_mappings",
        limit_choices_to={"kind": "service"},
    )
    name = DeidentifiedCharField(max_length=60)
    headings = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unique_mapping_name_per_service")
        ]

    def __str__(self):
        return f"{self.name} ({self.service})"


class CaseloadImport(models.Model):
    """One upload (or command run) of a contact export: what was asked, and what happened.

    The contacts themselves are all saved or none are; this row records the outcome either way.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Checking the file"
        IMPORTED = "imported", "Imported"
        CHECKED = "checked", "Checked (dry run): nothing saved"
        REJECTED = "rejected", "Not imported: the file has problems"
        FAILED = "failed", "Failed"
        # The file looks implausible (a whole team's extract, say): nothing is saved until someone confirms.
        AWAITING = "awaiting", "Not imported yet: confirm that the file is right"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel workbook"
        ODS = "ods", "OpenDocument spreadsheet"
        TSV = "tsv", "Tab-separated text"

    FINISHED = (Status.IMPORTED, Status.CHECKED, Status.REJECTED, Status.FAILED, Status.AWAITING)

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.CASCADE, related_name="caseload_imports"
    )
    service = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapping_name = DeidentifiedCharField(max_length=60, blank=True)
    profile = models.ForeignKey(
        "trainees.ImportProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_name = DeidentifiedCharField(max_length=200)
    stored_name = models.CharField(max_length=200, blank=True)
    # Companion files uploaded with it, by kind ("scores", "ends"): {"stored": server-chosen name, "name":
    # the file's own name}. Deleted with the main file.
    companions = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    sheet = DeidentifiedCharField(max_length=100, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    contacts_created = models.PositiveIntegerField(default=0)
    cases_created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    cases_closed = models.PositiveIntegerField(default=0)  # by a companion file of referral ends
    skipped = models.JSONField(default=dict, blank=True)  # reason -> rows skipped for it
    warnings = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = DeidentifiedCharField(max_length=300, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
