"""How competence is assessed, as data: rating scales, marking schemes (criteria and pass rule), assessment
schemes (each module's components) and the per-programme choice of scheme, attempts and moderation sample.

Loaded from fixtures/assessments.json by `assessments.reference.load_assessments`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField


class Method(models.TextChoices):
    """How an attempt was made. Each component lists the methods it accepts."""

    RECORDED_ROLE_PLAY = "recorded_role_play", "Recorded role play"
    OSCE = "osce", "Observed structured clinical examination (OSCE)"
    RECORDED_REAL_SESSION = "recorded_real_session", "Recorded real session"
    PRESENTATION = "presentation", "Presentation"
    WRITTEN_SUBMISSION = "written_submission", "Written submission"
    EXAM = "exam", "Examination"
    WORKPLACE_SIGN_OFF = "workplace_sign_off", "Practice outcomes signed in the workplace"


class RatingScale(models.Model):
    """A scale each competency item is rated on (for example the Dreyfus scale, 0 to 5)."""

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class RatingLevel(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    label = DeidentifiedCharField(max_length=80)
    description = DeidentifiedCharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="unique_rating_level_value"),
            models.UniqueConstraint(fields=["scale", "code"], name="unique_rating_level_code"),
        ]

    def __str__(self):
        return f"{self.value} – {self.label}"


class MarkingScheme(models.Model):
    """Competency items rated on a scale, and the pass rule: no item below a floor, a total at a threshold."""

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=200)
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="marking_schemes")
    minimum_level = models.PositiveSmallIntegerField(help_text="No item may be rated below this value.")
    pass_total = models.PositiveSmallIntegerField(help_text="The total of all items must reach this.")
    rule_description = DeidentifiedCharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class MarkingCriterion(models.Model):
    """One competency item of a marking scheme (for example “Assessing risk to self and others”)."""

    scheme = models.ForeignKey(MarkingScheme, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    title = DeidentifiedCharField(max_length=200)
    description = DeidentifiedCharField(max_length=400, blank=True)

    class Meta:
        ordering = ["scheme", "number"]
        verbose_name_plural = "marking criteria"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="unique_criterion_number"),
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_marking_criterion_code"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class AssessmentScheme(models.Model):
    """A curriculum edition's assessment components, with default attempts and moderation sample."""

    code = models.SlugField(max_length=40, unique=True)
    edition = models.ForeignKey(
        "curriculum.CurriculumEdition", on_delete=models.PROTECT, related_name="assessment_schemes"
    )
    name = DeidentifiedCharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="Used by programmes on this edition that have not chosen a scheme."
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=2)
    moderation_sample_percent = models.PositiveSmallIntegerField(default=20)

    class Meta:
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"], condition=Q(is_default=True), name="one_default_scheme_per_edition"
            ),
            models.CheckConstraint(condition=Q(attempts_allowed__gte=1), name="scheme_attempts_positive"),
            models.CheckConstraint(
                condition=Q(moderation_sample_percent__lte=100), name="scheme_sample_is_a_percentage"
            ),
        ]

    def __str__(self):
        return self.name


class AssessmentComponent(models.Model):
    """One assessed element of a module: a clinical competence assessment, written piece or practice outcomes.

    A component that names competences is taken once per competence, and passing it signs that competence off.
    """

    class Kind(models.TextChoices):
        CLINICAL = "clinical", "Clinical competence assessment"
        WRITTEN = "written", "Written piece"
        PRACTICE = "practice", "Practice outcomes"

    class Marking(models.TextChoices):
        CRITERIA = "criteria", "Rated against competency items"
        PERCENTAGE = "percentage", "Percentage with a pass mark"
        PASS_FAIL = "pass_fail", "Pass or fail"

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="components")
    module = models.ForeignKey("curriculum.Module", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=40)
    name = DeidentifiedCharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    marking = models.CharField(max_length=20, choices=Marking.choices)
    marking_scheme = models.ForeignKey(
        MarkingScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="components"
    )
    pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percentage needed to pass."
    )
    methods = models.JSONField(default=list, help_text="Codes of the methods this component accepts.")
    competences = models.ManyToManyField("curriculum.Competence", blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "module__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_component_code"),
            models.CheckConstraint(
                condition=Q(marking="criteria", marking_scheme__isnull=False) | ~Q(marking="criteria"),
                name="criteria_component_has_scheme",
            ),
            models.CheckConstraint(
                condition=Q(marking="percentage", pass_mark__isnull=False, pass_mark__lte=100)
                | ~Q(marking="percentage"),
                name="percentage_component_has_pass_mark",
            ),
        ]

    def __str__(self):
        return self.name

    def method_choices(self) -> list[tuple[str, str]]:
        labels = dict(Method.choices)
        return [(code, labels[code]) for code in self.methods if code in labels]


class ProgrammeAssessmentSettings(models.Model):
    """A programme's assessment rules: which scheme, how many attempts, what share of passes is moderated.

    A programme without a row uses its edition's default scheme and that scheme's numbers.
    """

    programme = models.OneToOneField(
        "curriculum.Programme", on_delete=models.CASCADE, related_name="assessment_settings"
    )
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="+")
    attempts_allowed = models.PositiveSmallIntegerField(
        default=2,
        help_text="First attempt plus resits. A further attempt needs accepted mitigating circumstances.",
    )
    moderation_sample_percent = models.PositiveSmallIntegerField(
        default=20, help_text="Share of passes a second marker moderates. Every fail is moderated."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "programme assessment settings"
        verbose_name_plural = "programme assessment settings"
        constraints = [
            models.CheckConstraint(condition=Q(attempts_allowed__gte=1), name="programme_attempts_positive"),
            models.CheckConstraint(
                condition=Q(moderation_sample_percent__lte=100), name="programme_sample_is_a_percentage"
            ),
        ]

    def __str__(self):
        return f"Assessment settings for {self.programme}"
