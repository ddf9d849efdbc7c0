"""Load the assessment reference data (fixtures/assessments.json). Idempotent: rows are matched on codes.

Needs the curriculum loaded first (editions, modules and competences are looked up by code). Each table is
read once and written with bulk inserts and updates, so a load costs a few dozen queries, not hundreds.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

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


def _raw(value):
    return value.pk if isinstance(value, models.Model) else value


def _current(obj: models.Model, name: str):
    """A field's stored value without loading a related row."""
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _sync(model: type[models.Model], key: tuple[str, ...], rows: list[dict], existing=None) -> dict:
    """Insert or update `rows` (field values) of `model`, matched on the `key` attributes (for example
    ("scheme_id", "code")); return {key value: instance}. One read, one bulk insert, one bulk update."""

    def key_of_values(values):
        return tuple(values[name[:-3]].pk if name.endswith("_id") else values[name] for name in key)

    found = {
        tuple(getattr(obj, name) for name in key): obj
        for obj in (model.objects.all() if existing is None else existing)
    }
    create, update, fields, result = [], [], set(), {}
    for values in rows:
        obj = found.get(key_of_values(values))
        if obj is None:
            obj = model(**values)
            create.append(obj)
        else:
            changed = [name for name, value in values.items() if _current(obj, name) != _raw(value)]
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                update.append(obj)
                fields.update(changed)
        found_key = key_of_values(values)
        result[found_key if len(key) > 1 else found_key[0]] = obj
    model.objects.bulk_create(create)
    if update:
        model.objects.bulk_update(update, sorted(fields))
    return result


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ReferenceDataError(message)


@transaction.atomic
def load_assessments(path: Path = ASSESSMENTS_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())

    scales = _sync(
        RatingScale,
        ("code",),
        [{"code": row["code"], "name": row["name"]} for row in data["rating_scales"]],
    )
    level_rows, level_values = [], {}
    for row in data["rating_scales"]:
        scale = scales[row["code"]]
        level_values[row["code"]] = {level["code"]: level["value"] for level in row["levels"]}
        level_rows += [
            {
                "scale": scale,
                "value": level["value"],
                "code": level["code"],
                "label": level["label"],
                "description": level.get("description", ""),
            }
            for level in row["levels"]
        ]
    _sync(
        RatingLevel, ("scale_id", "value"), level_rows, RatingLevel.objects.filter(scale__in=scales.values())
    )

    scheme_rows = []
    for row in data["marking_schemes"]:
        where = f"Marking scheme {row['code']}"
        _check(row["scale"] in scales, f"{where}: unknown scale {row['scale']!r}.")
        _check(row["minimum_level"] in level_values[row["scale"]], f"{where}: unknown level.")
        scheme_rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "scale": scales[row["scale"]],
                "minimum_level": level_values[row["scale"]][row["minimum_level"]],
                "pass_total": row["pass_total"],
                "rule_description": row.get("rule_description", ""),
            }
        )
    marking_schemes = _sync(MarkingScheme, ("code",), scheme_rows)
    criterion_rows = [
        {
            "scheme": marking_schemes[row["code"]],
            "number": number,
            "code": criterion["code"],
            "title": criterion["title"],
            "description": criterion.get("description", ""),
        }
        for row in data["marking_schemes"]
        for number, criterion in enumerate(row["criteria"], start=1)
    ]
    existing_criteria = list(MarkingCriterion.objects.filter(scheme__in=marking_schemes.values()))
    wanted_numbers = {(row["scheme"].pk, row["code"]): row["number"] for row in criterion_rows}
    moved = [c for c in existing_criteria if wanted_numbers.get((c.scheme_id, c.code), c.number) != c.number]
    if moved:
        # Items were reordered: park their numbers out of the way of the unique constraint first.
        MarkingCriterion.objects.filter(pk__in=[c.pk for c in moved]).update(number=models.F("number") + 1000)
        for criterion in moved:
            criterion.number += 1000
    _sync(MarkingCriterion, ("scheme_id", "code"), criterion_rows, existing_criteria)

    editions = {e.code: e for e in CurriculumEdition.objects.all()}
    for row in data["assessment_schemes"]:
        _check(row["edition"] in editions, f"Scheme {row['code']}: unknown edition {row['edition']!r}.")
    defaults = [row["code"] for row in data["assessment_schemes"] if row.get("is_default")]
    # Clear other defaults first so the one-default-per-edition constraint holds while rows are updated.
    AssessmentScheme.objects.filter(is_default=True).exclude(code__in=defaults).update(is_default=False)
    schemes = _sync(
        AssessmentScheme,
        ("code",),
        [
            {
                "code": row["code"],
                "edition": editions[row["edition"]],
                "name": row["name"],
                "is_default": row.get("is_default", False),
                "attempts_allowed": row["attempts_allowed"],
                "moderation_sample_percent": row["moderation_sample_percent"],
            }
            for row in data["assessment_schemes"]
        ],
    )

    modules = {(m.edition_id, m.number): m for m in Module.objects.all()}
    competences = {(c.edition_id, c.code): c for c in Competence.objects.all()}
    component_rows, wanted_links = [], {}
    for row in data["assessment_schemes"]:
        scheme = schemes[row["code"]]
        edition_id = editions[row["edition"]].pk
        seen: set[str] = set()
        for order, item in enumerate(row["components"], start=1):
            where = f"Scheme {scheme.code}, component {item['code']}"
            module = modules.get((edition_id, item["module"]))
            _check(module is not None, f"{where}: the edition has no module {item['module']}.")
            unknown = set(item["methods"]) - set(Method.values)
            _check(
                bool(item["methods"]) and not unknown,
                f"{where}: unknown or missing methods {sorted(unknown)}.",
            )
            codes = item.get("competences", [])
            missing = [code for code in codes if (edition_id, code) not in competences]
            _check(not missing, f"{where}: the edition has no competences {missing}.")
            _check(
                not seen & set(codes),
                f"{where}: competences {sorted(seen & set(codes))} are already assessed.",
            )
            seen |= set(codes)
            marking_scheme = None
            if item["marking"] == AssessmentComponent.Marking.CRITERIA:
                marking_scheme = marking_schemes.get(item.get("marking_scheme"))
                _check(marking_scheme is not None, f"{where}: criteria marking needs a known marking scheme.")
            component_rows.append(
                {
                    "scheme": scheme,
                    "code": item["code"],
                    "module": module,
                    "name": item["name"],
                    "kind": item["kind"],
                    "marking": item["marking"],
                    "marking_scheme": marking_scheme,
                    "pass_mark": item.get("pass_mark"),
                    "methods": item["methods"],
                    "order": order,
                }
            )
            wanted_links[(scheme.code, item["code"])] = {competences[(edition_id, code)].pk for code in codes}
    components = _sync(
        AssessmentComponent,
        ("scheme_id", "code"),
        component_rows,
        AssessmentComponent.objects.filter(scheme__in=schemes.values()),
    )

    # Which competences each component signs off: add what is missing, remove what is no longer listed.
    through = AssessmentComponent.competences.through
    by_pk = {(schemes[scheme_code].pk, code): pk for (scheme_code, code), pk in wanted_links.items()}
    wanted = {(components[key].pk, competence_id) for key, ids in by_pk.items() for competence_id in ids}
    current = set(
        through.objects.filter(assessmentcomponent__in=components.values()).values_list(
            "assessmentcomponent_id", "competence_id"
        )
    )
    for component_id, competence_id in current - wanted:
        through.objects.filter(assessmentcomponent_id=component_id, competence_id=competence_id).delete()
    through.objects.bulk_create(
        through(assessmentcomponent_id=component_id, competence_id=competence_id)
        for component_id, competence_id in wanted - current
    )
    return {
        "scales": len(scales),
        "marking schemes": len(marking_schemes),
        "criteria": len(criterion_rows),
        "assessment schemes": len(schemes),
        "components": len(component_rows),
    }
