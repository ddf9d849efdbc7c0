"""Load the curriculum reference data (fixtures/curriculum.json). Idempotent: rows are matched on codes."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from curriculum.models import Competence, CurriculumEdition, Intervention, Module, Route, RouteModule

CURRICULUM_FILE = Path(settings.BASE_DIR) / "fixtures" / "curriculum.json"


@transaction.atomic
def load_curriculum(path: Path = CURRICULUM_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    counts = {"interventions": 0, "editions": 0, "modules": 0, "routes": 0, "competences": 0}
    interventions = {}
    for row in data["interventions"]:
        interventions[row["code"]], _ = Intervention.objects.update_or_create(
            code=row["code"], defaults={k: row[k] for k in ("name", "core", "order")}
        )
        counts["interventions"] += 1
    # Clear the current flag first so the one-current-edition constraint holds while rows are updated.
    if any(edition["is_current"] for edition in data["editions"]):
        current_codes = [e["code"] for e in data["editions"] if e["is_current"]]
        CurriculumEdition.objects.filter(is_current=True).exclude(code__in=current_codes).update(
            is_current=False
        )
    for edition_row in data["editions"]:
        edition, _ = CurriculumEdition.objects.update_or_create(
            code=edition_row["code"],
            defaults={k: edition_row[k] for k in ("title", "edition_number", "published_on", "is_current")},
        )
        counts["editions"] += 1
        modules = {}
        for row in edition_row["modules"]:
            modules[row["number"]], _ = Module.objects.update_or_create(
                edition=edition, number=row["number"], defaults={"code": row["code"], "title": row["title"]}
            )
            counts["modules"] += 1
        for row in edition_row["routes"]:
            route, _ = Route.objects.update_or_create(
                edition=edition,
                code=row["code"],
                defaults={k: row[k] for k in ("name", "window_months", "description")},
            )
            counts["routes"] += 1
            for rm in row["modules"]:
                RouteModule.objects.update_or_create(
                    route=route,
                    module=modules[rm["module"]],
                    defaults={
                        "university_days": rm["university_days"],
                        "workplace_days": rm["workplace_days"],
                    },
                )
        for row in edition_row["competences"]:
            Competence.objects.update_or_create(
                edition=edition,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "module": modules[row["module"]],
                    "intervention": interventions.get(row.get("intervention")),
                    "order": row["order"],
                },
            )
            counts["competences"] += 1
    return counts
