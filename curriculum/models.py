"""The national curriculum as data (editions, modules, routes, competences) and the programmes teaching it."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField


class CurriculumEdition(models.Model):
    """A published edition of the national PWP curriculum (for example the 2011 2nd or the 2022 4th)."""

    code = models.SlugField(max_length=40, unique=True)
    title = DeidentifiedCharField(max_length=200)
    edition_number = models.PositiveSmallIntegerField()
    published_on = models.DateField()
    is_current = models.BooleanField(default=False)
    notes = DeidentifiedTextField(blank=True)

    class Meta:
        ordering = ["-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"
            )
        ]

    def __str__(self):
        return self.title


class Module(models.Model):
    edition = models.ForeignKey(CurriculumEdition, on_delete=models.PROTECT, related_name="modules")
    number = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    title = DeidentifiedCharField(max_length=200)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="unique_module_number"),
            models.UniqueConstraint(fields=["edition", "code"], name="unique_module_code"),
        ]

    def __str__(self):
        return f"Module {self.number}: {self.title}"


class Route(models.Model):
    """A way through an edition: the standard 45-day route, or the qualified-staff CPD route (modules 1-2)."""

    edition = models.ForeignKey(CurriculumEdition, on_delete=models.PROTECT, related_name="routes")
    code = models.SlugField(max_length=40)
    name = DeidentifiedCharField(max_length=200)
    description = DeidentifiedTextField(blank=True)
    window_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months from the start of training within which every day must be completed."
    )
    modules = models.ManyToManyField(Module, through="RouteModule", related_name="routes")

    class Meta:
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_route_code"),
            models.CheckConstraint(condition=Q(window_months__gte=1), name="route_window_positive"),
        ]

    def __str__(self):
        return self.name

    def day_totals(self) -> dict[str, int]:
        """University and workplace days the route requires (summed from its modules)."""
        totals = self.route_modules.aggregate(
            university=Sum("university_days"), workplace=Sum("workplace_days")
        )
        return {key: value or 0 for key, value in totals.items()}


class RouteModule(models.Model):
    """The days a module takes on a route: university teaching days and university-directed workplace days."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="route_modules")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="route_modules")
    university_days = models.PositiveSmallIntegerField()
    workplace_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["route", "module__number"]
        constraints = [models.UniqueConstraint(fields=["route", "module"], name="unique_route_module")]

    def __str__(self):
        return f"{self.route}: {self.module} ({self.university_days} + {self.workplace_days} days)"


class Intervention(models.Model):
    """A low-intensity intervention (behavioural activation, exposure, ..., computerised CBT)."""

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=120)
    core = models.BooleanField(
        default=False, help_text="One of the seven in which every trainee must demonstrate competence."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Competence(models.Model):
    """Something each trainee must be signed off in: an intervention, the assessment interview or values."""

    class Kind(models.TextChoices):
        INTERVENTION = "intervention", "Intervention"
        ASSESSMENT = "assessment", "Patient-centred assessment and engagement"
        VALUES = "values", "Values, diversity and context"

    edition = models.ForeignKey(CurriculumEdition, on_delete=models.PROTECT, related_name="competences")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="competences")
    code = models.SlugField(max_length=40)
    name = DeidentifiedCharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.PROTECT, related_name="competences"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_competence_code"),
            models.CheckConstraint(
                condition=Q(kind="intervention", intervention__isnull=False) | ~Q(kind="intervention"),
                name="intervention_competence_names_intervention",
            ),
        ]

    def __str__(self):
        return self.name


class Programme(models.Model):
    """An education provider's accredited PWP course."""

    class Award(models.TextChoices):
        PGCERT = "pgcert", "Postgraduate Certificate (level 7)"
        GRADCERT = "gradcert", "Graduate Certificate (level 6)"

    class AccreditationStatus(models.TextChoices):
        ACCREDITED = "accredited", "Accredited"
        PROVISIONAL = "provisional", "Provisionally accredited"
        NOT_ACCREDITED = "not_accredited", "Not accredited"
        LAPSED = "lapsed", "Accreditation lapsed"

    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=200)
    hei = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": "hei"},
        verbose_name="education provider",
    )
    award = models.CharField(max_length=20, choices=Award.choices)
    level = models.PositiveSmallIntegerField(choices=[(6, "Level 6"), (7, "Level 7")])
    edition = models.ForeignKey(CurriculumEdition, on_delete=models.PROTECT, related_name="programmes")
    accreditation_status = models.CharField(
        max_length=20, choices=AccreditationStatus.choices, default=AccreditationStatus.ACCREDITED
    )
    accredited_until = models.DateField(null=True, blank=True)
    routes_offered = models.ManyToManyField(
        Route,
        blank=True,
        related_name="+",
        help_text="The routes of its curriculum edition the programme teaches. None chosen means all.",
    )
    late_minutes_recorded = models.BooleanField(
        "record minutes missed",
        default=True,
        help_text="Registers ask how many minutes someone missed when they arrive late or leave early.",
    )
    marking_return_working_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="marking return period",
        help_text="Working days (Monday to Friday) from submission by which first marking is due. "
        "Leave empty for no deadline.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(level__in=[6, 7]), name="programme_level_6_or_7")]

    def __str__(self):
        return self.name


class ProgrammeMembership(models.Model):
    """An HEI educator's place on a programme. The programme lead may reopen signed records."""

    class Role(models.TextChoices):
        EDUCATOR = "educator", "Educator"
        PROGRAMME_LEAD = "programme_lead", "Programme lead"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDUCATOR)

    class Meta:
        ordering = ["programme", "role", "user"]
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="unique_programme_member")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} on {self.programme}"


class Cohort(models.Model):
    """One intake of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    code = models.SlugField(max_length=40, unique=True)
    name = DeidentifiedCharField(max_length=200)
    intake = DeidentifiedCharField(max_length=60, help_text="For example “January 2026”.")
    start_date = models.DateField()
    educators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="taught_cohorts")
    routes = models.ManyToManyField(
        Route,
        blank=True,
        related_name="+",
        help_text="The routes this intake is on. None chosen means every route the programme offers.",
    )
    teaching_weekdays = models.JSONField(
        "teaching pattern",
        default=list,
        blank=True,
        help_text="The days of the week the cohort is taught (0 is Monday), used to plan its teaching days.",
    )

    class Meta:
        ordering = ["-start_date", "code"]

    def __str__(self):
        return self.name
