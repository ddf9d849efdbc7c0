"""Pure rules of marking: a marking scheme's pass rule, the moderation sample and the hash of agreed marks.

No database access here, so the rules can be tested on their own (and with hypothesis).
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder


@dataclass(frozen=True)
class CriteriaResult:
    total: int
    passed: bool
    reasons: tuple[str, ...]  # why it failed, in plain words (empty when passed)


def criteria_outcome(
    ratings: Mapping[str, int], *, minimum_level: int, pass_total: int, level_labels: Mapping[int, str]
) -> CriteriaResult:
    """Pass when no item is rated below `minimum_level` and the total reaches `pass_total`."""
    total = sum(ratings.values())
    reasons = []
    low = [item for item, rating in ratings.items() if rating < minimum_level]
    if low:
        floor = level_labels.get(minimum_level, str(minimum_level))
        reasons.append(f"{len(low)} item{'s' if len(low) != 1 else ''} rated below {floor.lower()}")
    if total < pass_total:
        reasons.append(f"total {total} is below the pass total of {pass_total}")
    return CriteriaResult(total=total, passed=not reasons, reasons=tuple(reasons))


def percentage_passes(percentage: int, pass_mark: int) -> bool:
    return percentage >= pass_mark


def sampled_for_moderation(attempt_id: int, percent: int) -> bool:
    """Whether a pass falls in the moderation sample.

    Deterministic, so anyone can check afterwards why an attempt was or was not moderated: a hash of the
    attempt's id spreads attempts evenly over 0-99, and those below `percent` are sampled.
    """
    if percent <= 0:
        return False
    if percent >= 100:
        return True
    bucket = int(hashlib.sha256(f"moderation-sample:{attempt_id}".encode()).hexdigest(), 16) % 100
    return bucket < percent


def canonical_json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def marks_digest(marks: Mapping) -> str:
    """SHA-256 of the agreed marks in a canonical form: anyone can recompute it from the stored marks."""
    return hashlib.sha256(canonical_json(marks).encode()).hexdigest()
