"""Import profiles: how one source format (a clinical-system extract, a university register) is read.

A profile is data, not code: which headings mean which field, value maps (a source code to a contact type,
mode, intervention or attendance status), which rows are skipped and why, date formats, and companion
files. Reference profiles come from `fixtures/import_profiles.json` (loaded by `load_reference_data`, like
schemes); a service or programme administrator copies one and edits the copy for their own files.
The spec's shape is read, checked and explained by `trainees.imports.profiles`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.identifiers import DeidentifiedCharField, DeidentifiedTextField


class ImportProfile(models.Model):
    class Kind(models.TextChoices):
        CASELOAD = "caseload", "Caseload (contacts from a service's system)"
        REGISTER = "register", "Register (attendance from a university system)"

    code = models.SlugField(max_length=60, unique=True)
    name = DeidentifiedCharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = DeidentifiedTextField(blank=True)
    # Where the codes came from (a specification, a data dictionary page, a plug-in's documentation).
    source = DeidentifiedTextField(blank=True)
    spec = models.JSONField(default=dict)
    # From fixtures/: updated by load_reference_data and never edited on a page (copy it instead).
    is_reference = models.BooleanField(default=False)
    # A copy belongs to a service (caseload) or an education provider (register); reference rows to nobody.
    owner = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_profiles",
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_reference=True, owner__isnull=True)
                | Q(is_reference=False, owner__isnull=False),
                name="import_profile_reference_or_owned",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["caseload", "register"]), name="import_profile_kind"
            ),
        ]

    def __str__(self):
        return self.name
