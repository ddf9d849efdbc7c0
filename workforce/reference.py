"""Load the career eligibility rules (fixtures/workforce.json). Idempotent: matched on code and version.

Every criterion is checked against the engine's kinds before anything is saved, so a typo stops the load with
a message naming the rule set and criterion, and the database stays as it was.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from workforce.engine import RuleError, validate_rule
from workforce.models import EligibilityCriterion, EligibilityRuleSet

WORKFORCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "workforce.json"
RULE_SET_FIELDS = ("purpose", "name", "source", "effective_from", "effective_to", "order")
CRITERION_FIELDS = ("kind", "description", "target", "parameters", "order")


@transaction.atomic
def load_workforce_rules(path: Path = WORKFORCE_FILE) -> dict[str, int]:
    data = json.loads(path.read_text())
    counts = {"rule sets": 0, "criteria": 0}
    for row in data["rule_sets"]:
        rule_set, _ = EligibilityRuleSet.objects.update_or_create(
            code=row["code"], version=row["version"], defaults={k: row[k] for k in RULE_SET_FIELDS}
        )
        counts["rule sets"] += 1
        keep = []
        for c in row["criteria"]:
            try:
                validate_rule(c["kind"], c["parameters"], c["target"])
            except RuleError as error:
                raise RuleError(f"{rule_set.code} {rule_set.version} {c['code']}: {error}") from error
            criterion, _ = EligibilityCriterion.objects.update_or_create(
                rule_set=rule_set, code=c["code"], defaults={k: c[k] for k in CRITERION_FIELDS}
            )
            keep.append(criterion.pk)
            counts["criteria"] += 1
        rule_set.criteria.exclude(pk__in=keep).delete()
    return counts
