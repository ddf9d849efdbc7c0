"""Load the reference import profiles (fixtures/import_profiles.json). Idempotent: matched on their codes;
a copy made by a service or programme is never touched."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from trainees.imports.profiles import read_spec
from trainees.models import ImportProfile

PROFILES_FILE = Path(settings.BASE_DIR) / "fixtures" / "import_profiles.json"


@transaction.atomic
def load_import_profiles(path: Path = PROFILES_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    for row in data["profiles"]:
        read_spec(row["code"], row["name"], row["spec"])  # refuse a malformed fixture loudly
        ImportProfile.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "description": row.get("description", ""),
                "source": row.get("source", ""),
                "spec": row["spec"],
                "is_reference": True,
                "owner": None,
            },
        )
    return {"import profiles": len(data["profiles"])}
