"""Load the assessment reference data (fixtures/assessments.json). Idempotent: rows are matched on codes.

Needs the curriculum loaded first (editions, modules and competences are looked up by code).
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from assessments.models import (
    AssessmentComponent,
    AssessmentScheme,
    MarkingCriterion,
    MarkingScheme,
    Method,
    RatingLevel,
    RatingScale,
)
from curriculum.models import Competence, CurriculumEdition, Module

ASSESSMENTS_FILE = Path(settings.BASE_DIR) / "fixtures" / "assessments.json"


class ReferenceDataError(ValueError):
    """The fixture names something that does not exist or breaks a rule; the message says where."""


@transaction.atomic
def load_assessments(path: Path = ASSESSMENTS_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    counts = {"scales": 0, "marking schemes": 0, "criteria": 0, "assessment schemes": 0, "components": 0}
    scales = {}
    for row in data["rating_scales"]:
        scale, _ = RatingScale.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
        scales[scale.code] = {level["code"]: level["value"] for level in row["levels"]}
        for level in row["levels"]:
            RatingLevel.objects.update_or_create(
                scale=scale,
                value=level["value"],
                defaults={k: level.get(k, "") for k in ("code", "label", "description")},
            )
        counts["scales"] += 1

    marking_schemes = {}
    for row in data["marking_schemes"]:
        levels = scales.get(row["scale"])
        if levels is None:
            raise ReferenceDataError(f"Marking scheme {row['code']}: unknown scale {row['scale']!r}.")
        if row["minimum_level"] not in levels:
            raise ReferenceDataError(f"Marking scheme {row['code']}: unknown level {row['minimum_level']!r}.")
        scheme, _ = MarkingScheme.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "scale": RatingScale.objects.get(code=row["scale"]),
                "minimum_level": levels[row["minimum_level"]],
                "pass_total": row["pass_total"],
                "rule_description": row.get("rule_description", ""),
            },
        )
        marking_schemes[scheme.code] = scheme
        for number, criterion in enumerate(row["criteria"], start=1):
            MarkingCriterion.objects.update_or_create(
                scheme=scheme,
                code=criterion["code"],
                defaults={
                    "number": number,
                    "title": criterion["title"],
                    "description": criterion.get("description", ""),
                },
            )
            counts["criteria"] += 1
        counts["marking schemes"] += 1

    for row in data["assessment_schemes"]:
        edition = CurriculumEdition.objects.get(code=row["edition"])
        if row.get("is_default"):
            # Clear another default first so the one-default-per-edition constraint holds while updating.
            AssessmentScheme.objects.filter(edition=edition, is_default=True).exclude(
                code=row["code"]
            ).update(is_default=False)
        scheme, _ = AssessmentScheme.objects.update_or_create(
            code=row["code"],
            defaults={
                "edition": edition,
                "name": row["name"],
                "is_default": row.get("is_default", False),
                "attempts_allowed": row["attempts_allowed"],
                "moderation_sample_percent": row["moderation_sample_percent"],
            },
        )
        counts["assessment schemes"] += 1
        modules = {m.number: m for m in Module.objects.filter(edition=edition)}
        competences = {c.code: c for c in Competence.objects.filter(edition=edition)}
        seen_competences: set[str] = set()
        for order, component_row in enumerate(row["components"], start=1):
            where = f"Scheme {scheme.code}, component {component_row['code']}"
            module = modules.get(component_row["module"])
            if module is None:
                raise ReferenceDataError(f"{where}: the edition has no module {component_row['module']}.")
            unknown_methods = set(component_row["methods"]) - set(Method.values)
            if unknown_methods or not component_row["methods"]:
                raise ReferenceDataError(f"{where}: unknown or missing methods {sorted(unknown_methods)}.")
            codes = component_row.get("competences", [])
            missing = [code for code in codes if code not in competences]
            if missing:
                raise ReferenceDataError(f"{where}: the edition has no competences {missing}.")
            repeated = seen_competences & set(codes)
            if repeated:
                raise ReferenceDataError(f"{where}: competences {sorted(repeated)} are already assessed.")
            seen_competences |= set(codes)
            marking_scheme = None
            if component_row["marking"] == AssessmentComponent.Marking.CRITERIA:
                marking_scheme = marking_schemes.get(component_row.get("marking_scheme"))
                if marking_scheme is None:
                    raise ReferenceDataError(f"{where}: criteria marking needs a known marking scheme.")
            component, _ = AssessmentComponent.objects.update_or_create(
                scheme=scheme,
                code=component_row["code"],
                defaults={
                    "module": module,
                    "name": component_row["name"],
                    "kind": component_row["kind"],
                    "marking": component_row["marking"],
                    "marking_scheme": marking_scheme,
                    "pass_mark": component_row.get("pass_mark"),
                    "methods": component_row["methods"],
                    "order": order,
                },
            )
            component.competences.set([competences[code] for code in codes])
            counts["components"] += 1
    return counts
