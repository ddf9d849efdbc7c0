"""Accreditation and registration schemes as data: versions with an effective period, and their criteria.

A criterion names a *kind* from the readiness engine's registry (`accreditation.engine.KINDS`), with its
parameters as JSON and a target. An administrator can add a version, or a whole new scheme, from the
existing kinds in the admin; the kind and parameters are checked against the registry when saved.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField


class Scheme(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course completion (the education provider's award)"
        ACCREDITATION = "accreditation", "Individual accreditation"
        REGISTRATION = "registration", "Professional register"

    code = models.SlugField(max_length=60, unique=True)
    name = DeidentifiedCharField(max_length=200)
    body = DeidentifiedCharField(max_length=120, help_text="Who runs it, for example BABCP, BPS or the HEI.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = DeidentifiedTextField(blank=True)
    route_codes = models.JSONField(
        default=list,
        blank=True,
        help_text='Routes it applies to, for example ["standard"]; leave empty ([]) for every route.',
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.route_codes, list) or not all(isinstance(c, str) for c in self.route_codes):
            raise ValidationError({"route_codes": 'Give a list of route codes, for example ["standard"].'})

    def applies_to_route(self, route_code: str) -> bool:
        return not self.route_codes or route_code in self.route_codes


class SchemeVersionQuerySet(models.QuerySet):
    def with_rules(self):
        return self.select_related("scheme").prefetch_related("criteria")

    def in_force(self, on: date):
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    version = DeidentifiedCharField(max_length=40, help_text="For example 2010 or 2024.1.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Leave empty while it is in force.")
    renewal_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often it is renewed (12 = every year); empty if never."
    )
    notes = DeidentifiedTextField(blank=True)

    objects = SchemeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="unique_scheme_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="scheme_version_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True) | Q(renewal_months__gte=1),
                name="scheme_renewal_positive",
            ),
        ]

    def __str__(self):
        return f"{self.scheme.name}, version {self.version}"

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_rules(self):
        """The plain, database-free rules the engine reads (criteria must be prefetched for no queries)."""
        from accreditation.engine import CriterionRule, SchemeRules

        return SchemeRules(
            scheme_code=self.scheme.code,
            scheme_name=self.scheme.name,
            version=self.version,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            renewal_months=self.renewal_months,
            criteria=tuple(
                CriterionRule(
                    code=c.code,
                    kind=c.kind,
                    description=c.description,
                    target=c.target,
                    parameters=dict(c.parameters or {}),
                    order=c.order,
                    stage=c.stage,
                )
                for c in self.criteria.all()
            ),
        )


class Criterion(models.Model):
    class Stage(models.TextChoices):
        INITIAL = "initial", "Initial application"
        RENEWAL = "renewal", "Renewal"

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=60)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.INITIAL)
    kind = models.CharField(max_length=60, help_text="A kind the readiness engine knows (see the list).")
    parameters = models.JSONField(default=dict, blank=True)
    target = models.FloatField(null=True, blank=True)
    description = DeidentifiedCharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "stage", "order", "code"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["version", "stage", "code"], name="unique_criterion_code"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0), name="criterion_target"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.description}"

    def clean(self):
        from accreditation.engine import RuleError, validate_rule

        try:
            validate_rule(self.kind, self.parameters, self.target)
        except RuleError as error:
            field = "kind" if "kind of criterion" in str(error) else "parameters"
            if "target" in str(error):
                field = "target"
            raise ValidationError({field: str(error)}) from error
