"""Load the accreditation schemes (fixtures/schemes.json). Idempotent: rows are matched on codes.

Every criterion is checked against the engine's registry before anything is saved, so a typo in the file
stops the load with a message naming the scheme, version and criterion, and leaves the database as it was.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accreditation.engine import RuleError, validate_rule
from accreditation.models import Criterion, Scheme, SchemeVersion

SCHEMES_FILE = Path(settings.BASE_DIR) / "fixtures" / "schemes.json"


@transaction.atomic
def load_schemes(path: Path = SCHEMES_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    counts = {"schemes": 0, "versions": 0, "criteria": 0}
    for row in data["schemes"]:
        scheme, _ = Scheme.objects.update_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("name", "body", "kind", "description", "route_codes", "order")},
        )
        counts["schemes"] += 1
        for version_row in row["versions"]:
            version, _ = SchemeVersion.objects.update_or_create(
                scheme=scheme,
                version=version_row["version"],
                defaults={
                    k: version_row[k] for k in ("effective_from", "effective_to", "renewal_months", "notes")
                },
            )
            counts["versions"] += 1
            keep = []
            for c in version_row["criteria"]:
                where = f"{scheme.code} {version.version} {c['code']}"
                try:
                    validate_rule(c["kind"], c["parameters"], c["target"])
                except RuleError as error:
                    raise RuleError(f"{where}: {error}") from error
                criterion, _ = Criterion.objects.update_or_create(
                    version=version,
                    stage=c["stage"],
                    code=c["code"],
                    defaults={k: c[k] for k in ("kind", "parameters", "target", "description", "order")},
                )
                keep.append(criterion.pk)
                counts["criteria"] += 1
            version.criteria.exclude(pk__in=keep).delete()
    return counts
