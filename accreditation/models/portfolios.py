"""Submitted portfolios (frozen, verifiable snapshots) and the portfolios an accreditation visit may read."""

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped from paper survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: unguessable at any rate the verification page allows


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_verification_code(text: str) -> str:
    """What someone typed, as stored: upper case, the usual misreadings mapped, grouped in fours."""
    cleaned = (text or "").upper().replace("O", "0").replace("I", "1").replace("L", "1")
    raw = "".join(ch for ch in cleaned if ch in CODE_ALPHABET)
    if len(raw) != CODE_LENGTH:
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def snapshot_upload_to(instance, filename):
    # The server chooses the name; nothing the trainee typed reaches the file system.
    return f"portfolios/snapshots/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class PortfolioSnapshotQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related(
            "enrolment",
            "enrolment__user",
            "enrolment__cohort",
            "enrolment__cohort__programme",
            "submitted_by",
        )


class PortfolioSnapshot(models.Model):
    """A portfolio as a trainee submitted it for a scheme: the PDF, the data it was built from and their
    hashes. The database refuses UPDATE and DELETE on this table; a later change to the records leaves it
    as it was, and the trainee submits a new snapshot instead."""

    enrolment = models.ForeignKey(
        "trainees.Enrolment", on_delete=models.PROTECT, related_name="portfolio_snapshots"
    )
    scheme_code = models.CharField(max_length=60)
    scheme_version = models.CharField(max_length=20, blank=True)
    data = models.JSONField(encoder=DjangoJSONEncoder, help_text="The portfolio data the PDF was built from.")
    data_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to=snapshot_upload_to, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    pdf_size = models.PositiveIntegerField()
    verification_code = models.CharField(max_length=14, unique=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = PortfolioSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pdf_size__gt=0), name="snapshot_pdf_not_empty"),
        ]
        indexes = [models.Index(fields=["enrolment", "-submitted_at"], name="snapshot_enrolment_idx")]

    def __str__(self):
        return f"Portfolio {self.verification_code} ({self.scheme_code})"


class VisitSample(models.Model):
    """A random draw of N portfolios per cohort for a visit. The seed, the size and the moment of the draw
    are kept, so the same draw can be repeated and checked later (see `visits.replay_sample`)."""

    visit = models.ForeignKey("accreditation.Visit", on_delete=models.PROTECT, related_name="samples")
    seed = models.BigIntegerField()
    per_cohort = models.PositiveSmallIntegerField()
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot_ids = models.JSONField(default=list, help_text="The snapshots the draw picked, in order.")

    class Meta:
        ordering = ["visit", "drawn_at"]
        constraints = [models.CheckConstraint(condition=Q(per_cohort__gte=1), name="sample_at_least_one")]

    def __str__(self):
        return f"{self.per_cohort} per cohort, seed {self.seed}"


class VisitPortfolio(models.Model):
    """One snapshot a visit's visitors may read, picked by hand or by a sample."""

    visit = models.ForeignKey("accreditation.Visit", on_delete=models.CASCADE, related_name="portfolios")
    snapshot = models.ForeignKey(PortfolioSnapshot, on_delete=models.PROTECT, related_name="visit_links")
    sample = models.ForeignKey(
        VisitSample, null=True, blank=True, on_delete=models.PROTECT, related_name="portfolios"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "snapshot"], name="unique_snapshot_per_visit")
        ]

    def __str__(self):
        return f"{self.snapshot} on {self.visit}"


class VisitPack(models.Model):
    """A ZIP of a visit's portfolios, an index PDF and a manifest, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    visit = models.ForeignKey("accreditation.Visit", on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.JSONField(
        default=list, blank=True, help_text="Portfolios left out, each with the reason in plain words."
    )
    error = models.TextField(blank=True)
    file = models.FileField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # Renewed by the worker after every portfolio it packs: a lease. One not renewed for
    # settings.VISIT_PACK_LEASE_SECONDS lost its worker (accreditation/portfolio/packs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="pack_done_within_total"),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="ready_pack_has_a_file"),
        ]

    def __str__(self):
        return f"Visit pack for {self.visit}, requested {self.requested_at:%-d %B %Y %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.finished else 0)


class PortfolioRender(models.Model):
    """A live (unsubmitted) portfolio PDF for one version of a trainee's records, rendered in the background.

    `key` names the content: the enrolment, its records version, the scheme asked for, the portfolio's date
    and the template version (`accreditation.portfolio.cache.live_key`). It is unique, so two requests for
    the same portfolio share one row and one task. Not a record of anything: rows and files are replaced as
    records change. Submitted portfolios are `PortfolioSnapshot`s and never come from here.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Being rendered"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        # The records changed while it waited or rendered: a render of the newer version replaces it.
        SUPERSEDED = "superseded", "Superseded by newer records"

    key = models.CharField(max_length=64, unique=True)
    enrolment = models.ForeignKey("trainees.Enrolment", on_delete=models.CASCADE, related_name="+")
    records_version = models.PositiveBigIntegerField()
    scheme_code = models.CharField(max_length=50, blank=True, help_text="Blank: the route's own scheme.")
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.CharField(max_length=200, blank=True, help_text="The PDF's name in the default storage.")
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["enrolment", "status"], name="portfolio_render_enrolment")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="ready_render_has_a_file"
            ),
        ]

    def __str__(self):
        return f"Portfolio render for enrolment {self.enrolment_id}, version {self.records_version}"

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
