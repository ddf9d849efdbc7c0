"""Load the notification kinds (fixtures/notifications.json). Idempotent: rows are matched on codes. A kind
already in the database is left as it is, so what an administrator changed in the Django admin (who receives
it, how urgent, when, its default e-mail frequency, switched off) survives every later load; new kinds in the
file are added."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from notifications.models import EmailFrequency, NotificationKind
from notifications.sources import CONDITIONS

KINDS_FILE = Path(settings.BASE_DIR) / "fixtures" / "notifications.json"
ROLES = {
    "trainee",
    "supervisors",
    "case_management_supervisor",
    "educators",
    "supervisor",
    "requester",
    "administrators",
    "visitors",
}
FIELDS = (
    "name",
    "description",
    "condition",
    "recipients",
    "urgency",
    "timing",
    "days",
    "default_frequency",
    "order",
)


@transaction.atomic
def load_notification_kinds(path: Path = KINDS_FILE) -> dict[str, int]:
    rows = json.loads(path.read_text())["kinds"]
    for row in rows:
        if row["condition"] not in CONDITIONS:
            raise ValueError(f"Kind {row['code']}: unknown condition {row['condition']!r}")
        unknown = {r.strip() for r in row["recipients"].split(",")} - ROLES
        if unknown:
            raise ValueError(f"Kind {row['code']}: unknown recipients {sorted(unknown)}")
        if row["default_frequency"] not in EmailFrequency.values:
            raise ValueError(f"Kind {row['code']}: unknown default_frequency {row['default_frequency']!r}")
        NotificationKind.objects.get_or_create(code=row["code"], defaults={k: row[k] for k in FIELDS})
    return {"kinds": len(rows)}
