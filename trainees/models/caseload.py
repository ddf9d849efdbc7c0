from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from trainees.deidentify import validate_case_reference


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
    reference = models.CharField(max_length=40, validators=[validate_case_reference])
    presenting_problem = models.CharField(max_length=20, choices=PresentingProblem.choices, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

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
