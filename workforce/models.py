"""Careers after (and before) training: posts, where people came from and went, and who the workforce is.

A *practitioner* is any person with a post history here (trainees and qualified staff alike). Posts are the
source of every workforce figure: bands on a date, the staffing ratio per site, retention and turnover.
Diversity answers are special-category data: only the person sees their own; reports see only suppressed
aggregates, and no model here is registered in the admin in a way that lists people by an answer.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField


class PriorBackground(models.TextChoices):
    SUPPORT_WORKER = "support_worker", "Support worker"
    PSYCHOLOGY = "psychology", "Psychology assistant or psychology graduate"
    HEALTH_TRAINER = "health_trainer", "Health trainer"
    STR_WORKER = "str_worker", "Support-time-recovery worker"
    PROFESSIONAL = "professional", "Nurse or other professionally qualified staff"
    TEACHER = "teacher", "Teacher"
    POLICE = "police", "Police"
    OTHER = "other", "Other"


class Practitioner(models.Model):
    """A person's workforce record: where they came from and when they qualified as a PWP."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workforce_record"
    )
    prior_background = models.CharField(
        "Role before PWP training", max_length=20, choices=PriorBackground.choices, blank=True
    )
    qualified_on = models.DateField("Qualified as a PWP on", null=True, blank=True)
    # The training cohort they qualified with, when they trained on a programme in this tracker.
    qualifying_cohort = models.ForeignKey(
        "curriculum.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"Workforce record of {self.user}"


class Band(models.IntegerChoices):
    BAND_4 = 4, "Band 4 (trainee)"
    BAND_5 = 5, "Band 5 (qualified)"
    BAND_6 = 6, "Band 6 (senior)"
    BAND_7 = 7, "Band 7 and above"


class PostKind(models.TextChoices):
    PWP = "pwp", "Psychological wellbeing practitioner (trainee, qualified or senior)"
    HIGH_INTENSITY = "high_intensity", "High-intensity therapist (trainee or qualified)"
    PSYCHOLOGICAL = "psychological", "Another psychological role"
    OTHER = "other", "Another role"


class SeniorRole(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervisor"
    EDUCATOR = "educator", "Educator"
    MANAGER = "manager", "Team leader or manager"
    SPECIALIST = "specialist", "Specialist (for example long-term conditions or older adults)"


class LeavingReason(models.TextChoices):
    CAREER = "career", "Career progression or further training"
    PAY = "pay", "Pay or banding"
    WORKLOAD = "workload", "Workload or work-life balance"
    RELOCATION = "relocation", "Relocation"
    CONTRACT_END = "contract_end", "End of a fixed-term contract"
    HEALTH = "health", "Health"
    RETIREMENT = "retirement", "Retirement"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Destination(models.TextChoices):
    HIGH_INTENSITY = "high_intensity", "High-intensity CBT training"
    CLINICAL_PSYCHOLOGY = "clinical_psychology", "Clinical psychology training"
    OTHER_PWP_SERVICE = "other_pwp_service", "Another PWP service"
    OTHER_NHS = "other_nhs", "Another NHS role"
    LEFT_NHS = "left_nhs", "Left the NHS"
    NOT_KNOWN = "not_known", "Not known"


class PostQuerySet(models.QuerySet):
    def current(self, on):
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def for_reports(self):
        return self.select_related("practitioner", "service", "site")


class Post(models.Model):
    """One post someone held: where, which band, how many hours, from when to when, and why it ended.

    A post ends either by a move within the service (no leaving reason) or by leaving it, when the reason
    and the destination are recorded as data for the retention and turnover reports.
    """

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="posts")
    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="workforce_posts",
        limit_choices_to={"kind": "service"},
    )
    site = models.ForeignKey(
        "trainees.ServiceSite", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    job_title = DeidentifiedCharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PostKind.choices, default=PostKind.PWP)
    band = models.PositiveSmallIntegerField("Agenda for Change band", choices=Band.choices)
    senior_role = models.CharField(max_length=20, choices=SeniorRole.choices, blank=True)
    wte = models.DecimalField(
        "Whole-time equivalent", max_digits=3, decimal_places=2, default=Decimal("1.00")
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day in post.")
    leaving_reason = models.CharField(max_length=20, choices=LeavingReason.choices, blank=True)
    destination = models.CharField(max_length=20, choices=Destination.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["practitioner", "starts_on", "id"]
        indexes = [models.Index(fields=["service", "starts_on"], name="post_service_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(band__gte=4, band__lte=7), name="post_band_4_to_7"),
            models.CheckConstraint(condition=Q(wte__gt=0, wte__lte=1), name="post_wte_above_0_up_to_1"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="post_ends_after_start",
            ),
            # Senior roles are what band 6 and above posts are for; a band 4 or 5 post has none.
            models.CheckConstraint(
                condition=Q(band__gte=6) | Q(senior_role=""), name="post_senior_role_only_band_6_up"
            ),
            # A leaving reason and destination go together, and only on a post that has ended.
            models.CheckConstraint(
                condition=Q(leaving_reason="", destination="")
                | (~Q(leaving_reason="") & ~Q(destination="") & Q(ends_on__isnull=False)),
                name="post_leaving_reason_with_destination_and_end",
            ),
        ]

    def __str__(self):
        return f"{self.job_title}, {self.get_band_display()}, {self.service} from {self.starts_on:%d %b %Y}"

    @property
    def left_service(self) -> bool:
        return bool(self.destination)


class PostProposal(models.Model):
    """The decision on the band 5 post a completed training course proposes: never made silently.

    The proposal itself is worked out from the training record (a completed enrolment with no qualified
    post since); this row records who confirmed or declined it, and the post it created.
    """

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    enrolment = models.OneToOneField(
        "trainees.Enrolment", on_delete=models.PROTECT, related_name="workforce_proposal"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    post = models.OneToOneField(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = DeidentifiedCharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="confirmed", post__isnull=False)
                | Q(decision="declined", post__isnull=True),
                name="proposal_confirmed_has_post",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} band 5 post for {self.enrolment.user.display_name}"


class Correction(models.Model):
    """A practitioner's suggested correction to their own history, for a service administrator to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="corrections")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "service"},
    )
    message = DeidentifiedTextField("What is wrong, and what should it say?", max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    suggested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = DeidentifiedCharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-suggested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="correction_decided_by_and_at_with_decision",
            ),
        ]

    def __str__(self):
        who = self.practitioner.user.display_name
        return f"Correction suggested by {who} ({self.get_status_display().lower()})"


# --- diversity (special-category data) -------------------------------------------------------------------

PREFER_NOT = "prefer_not", "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT = PREFER_NOT


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", "Under 20"
    AGE_20_29 = "20_29", "20 to 29"
    AGE_30_39 = "30_39", "30 to 39"
    AGE_40_49 = "40_49", "40 to 49"
    AGE_50_59 = "50_59", "50 to 59"
    AGE_60_UP = "60_up", "60 or over"
    PREFER_NOT = PREFER_NOT


class EthnicGroup(models.TextChoices):
    """The 19 ethnic groups of the 2021 Census in England and Wales (ONS), in the ONS order."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = "black_african", "Black, Black British, Black Welsh, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Black Welsh, Caribbean or African: Other Black"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple ethnic groups: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or Multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or Multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    PREFER_NOT = PREFER_NOT


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = PREFER_NOT


class DiversityAnswers(models.Model):
    """Self-declared, each optional (blank: not answered). Seen individually by the person only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_answers"
    )
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    ethnic_group = models.CharField(max_length=40, choices=EthnicGroup.choices, blank=True)
    disability = models.CharField(
        "Do you consider yourself to have a disability?", max_length=20, choices=YesNo.choices, blank=True
    )
    bsl = models.CharField(
        "Do you use British Sign Language?", max_length=20, choices=YesNo.choices, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "diversity answers"

    def __str__(self):
        # Never the answers themselves: this text reaches the audit trail.
        return "Diversity answers"


DIVERSITY_DIMENSIONS = {
    "sex": ("Sex", Sex),
    "age_band": ("Age band", AgeBand),
    "ethnic_group": ("Ethnic group (ONS 2021)", EthnicGroup),
    "disability": ("Disability", YesNo),
    "bsl": ("Uses British Sign Language", YesNo),
}


class ServiceStaffing(models.Model):
    """What the records cannot count: high-intensity staff who are not users, and the service's target mix.

    One row per count, so the history stays; reports use the latest row on or before their date.
    """

    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="workforce_staffing",
        limit_choices_to={"kind": "service"},
    )
    counted_on = models.DateField()
    high_intensity_headcount = models.PositiveIntegerField(
        help_text="High-intensity therapists (and trainees) who do not have their own posts in the tracker."
    )
    pwp_share_target = models.PositiveSmallIntegerField(
        "Target share of PWPs (%)", default=40, help_text="The guide's initial balance is 40 PWPs to 60 HITs."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "-counted_on"]
        constraints = [
            models.UniqueConstraint(fields=["service", "counted_on"], name="one_staffing_count_per_day"),
            models.CheckConstraint(
                condition=Q(pwp_share_target__gte=0, pwp_share_target__lte=100),
                name="staffing_share_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.service} staffing on {self.counted_on:%d %b %Y}"


# --- eligibility rules (data, loaded from fixtures/workforce.json) ----------------------------------------


class EligibilityRuleSet(models.Model):
    """One published reading of a career rule (for example high-intensity training eligibility), versioned."""

    class Purpose(models.TextChoices):
        HIGH_INTENSITY = "high_intensity", "Eligibility for high-intensity training"
        BAND_6 = "band_6", "Readiness for a band 6 post"

    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    name = DeidentifiedCharField(max_length=200)
    source = DeidentifiedCharField(max_length=300)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["purpose", "order", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_eligibility_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="eligibility_effective_period",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"


class EligibilityCriterion(models.Model):
    rule_set = models.ForeignKey(EligibilityRuleSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=60)
    kind = models.CharField(max_length=40)
    description = DeidentifiedCharField(max_length=300)
    target = models.FloatField(null=True, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="unique_eligibility_criterion")
        ]

    def __str__(self):
        return self.description


# --- applicants and recruitment ---------------------------------------------------------------------------


class Recruitment(models.Model):
    """One recruitment round for trainee PWP posts at a service, usually for one intake of a programme."""

    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="workforce_recruitments",
        limit_choices_to={"kind": "service"},
    )
    name = DeidentifiedCharField(
        max_length=200, help_text="For example “Trainee PWPs for the January 2027 intake”."
    )
    cohort = models.ForeignKey(
        "curriculum.Cohort",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The training cohort the trainees appointed will join, when it is in the tracker.",
    )
    posts_offered = models.PositiveSmallIntegerField("Trainee posts offered")
    opens_on = models.DateField("Advert opens on")
    closes_on = models.DateField("Advert closes on")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "closes_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="recruitment_closes_after_opening"
            ),
            models.UniqueConstraint(fields=["service", "name"], name="unique_recruitment_name_per_service"),
        ]

    def __str__(self):
        return self.name


class Outcome(models.TextChoices):
    RECEIVED = "received", "Received, not yet shortlisted"
    NOT_SHORTLISTED = "not_shortlisted", "Not shortlisted"
    WITHDRAWN = "withdrawn", "Withdrew"
    NOT_APPOINTED = "not_appointed", "Interviewed, not appointed"
    OFFER_DECLINED = "offer_declined", "Offered a post, declined it"
    APPOINTED = "appointed", "Appointed as a trainee"


class Application(models.Model):
    """One application to a recruitment round, known by the recruitment system's reference, never a name.

    The equal opportunities answers are the applicant's own, copied from the monitoring form of the
    recruitment system; like a practitioner's, they are seen only as suppressed counts (no page, list or
    admin shows them per application)."""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.CASCADE, related_name="applications")
    reference = DeidentifiedCharField(
        "Application reference", max_length=60, help_text="The reference in the recruitment system."
    )
    prior_background = models.CharField(
        "Current or most recent role", max_length=20, choices=PriorBackground.choices, blank=True
    )
    # The outcome as it stands now: the latest of `outcomes` (kept by the services, read by the round's page).
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    ethnic_group = models.CharField(max_length=40, choices=EthnicGroup.choices, blank=True)
    disability = models.CharField(max_length=20, choices=YesNo.choices, blank=True)
    bsl = models.CharField(max_length=20, choices=YesNo.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recruitment", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["recruitment", "reference"], name="unique_application_reference_per_round"
            )
        ]

    def __str__(self):
        # Never the equal opportunities answers: this text reaches the audit trail.
        return f"Application {self.reference}"


class ApplicationOutcome(models.Model):
    """One step of an application's outcome, dated: received, then shortlisted or not, then interviewed,
    offered, appointed. A report as of a date reads the latest step on or before it, so a report of an
    earlier date shows the outcomes as they stood then. Written only by `services.set_application_outcome`
    (and `record_application`); never changed or deleted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decided_on = models.DateField("Date of the outcome")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "decided_on", "id"]
        indexes = [models.Index(fields=["application", "decided_on"], name="application_outcome_by_date")]

    def __str__(self):
        return f"{self.get_outcome_display()} on {self.decided_on:%d %B %Y}"
