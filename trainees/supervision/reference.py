"""Load the supervision rules (fixtures/supervision.json). Idempotent: rule sets are matched on their code.

A rule set names a programme by its code, or none for the default every programme without its own uses.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from curriculum.models import Programme
from trainees.models import SupervisionRules

SUPERVISION_FILE = Path(settings.BASE_DIR) / "fixtures" / "supervision.json"
VALUE_FIELDS = [
    "name",
    "effective_from",
    "source",
    "credential_valid_months",
    "refresher_every_months",
    "case_management_minutes_per_week",
    "case_management_individual_only",
    "clinical_skills_minutes_per_fortnight",
    "case_review_interval_days",
    "absence_days_to_exclude_week",
    "live_assessments_per_year",
    "live_assessment_interventions_per_year",
    "case_management_hours_target",
    "clinical_skills_hours_target",
    "site_max_trainees_per_qualified",
]


@transaction.atomic
def load_supervision_rules(path: Path = SUPERVISION_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    loaded = skipped = 0
    for row in data["rule_sets"]:
        programme = None
        if row.get("programme"):
            programme = Programme.objects.filter(code=row["programme"]).first()
            if programme is None:
                # A programme's own rules wait until the programme exists; run the command again then.
                skipped += 1
                continue
        SupervisionRules.objects.update_or_create(
            code=row["code"],
            defaults={"programme": programme, **{name: row[name] for name in VALUE_FIELDS if name in row}},
        )
        loaded += 1
    return {"rule sets": loaded, "waiting for their programme": skipped}
