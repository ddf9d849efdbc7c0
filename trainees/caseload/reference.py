"""Load the caseload ramp profiles (fixtures/caseload.json). Idempotent: rows are matched on their codes."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from trainees.models import RampProfile

CASELOAD_FILE = Path(settings.BASE_DIR) / "fixtures" / "caseload.json"
PROFILE_FIELDS = (
    "name",
    "description",
    "kind",
    "is_default",
    "training_months",
    "none_months",
    "full_from_month",
    "episode_weeks",
    "inactive_after_weeks",
    "tolerance_percent",
    "tolerance_patients",
)


@transaction.atomic
def load_caseload_reference(path: Path = CASELOAD_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    defaults = [row["code"] for row in data["profiles"] if row.get("is_default")]
    if defaults:
        # Clear the flag first so the one-default constraint holds while rows are updated.
        RampProfile.objects.filter(is_default=True).exclude(code__in=defaults).update(is_default=False)
    for row in data["profiles"]:
        values = {key: row[key] for key in PROFILE_FIELDS}
        values["partial_share"] = Decimal(row["partial_share"])
        values["end_share"] = Decimal(row["end_share"])
        RampProfile.objects.update_or_create(code=row["code"], defaults=values)
    return {"ramp profiles": len(data["profiles"])}
