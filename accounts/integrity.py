"""The audit trail's continuity: a hash chain over its events, kept in append-only seals.

`seal_audit_trail` appends a seal covering every event not yet sealed (older than SETTLE, so a transaction
still open when its id was taken cannot commit into a range already sealed); `audit_trail_problems` recomputes
every seal from the events. An event deleted, inserted or rewritten in a sealed range breaks the chain there.
"""

import hashlib
import json
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, AuditSeal

SETTLE = timedelta(minutes=5)
GENESIS = "0" * 64
_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "message",
    "before",
    "after",
)


def _event_bytes(values: dict) -> bytes:
    values = {**values, "at": values["at"].astimezone(timezone.UTC).isoformat()}
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode("utf-8")


def _chain(previous: str, events) -> tuple[str, int, int | None]:
    digest, count, last = previous, 0, None
    for values in events:
        digest = hashlib.sha256(digest.encode("ascii") + _event_bytes(values)).hexdigest()
        count, last = count + 1, values["id"]
    return digest, count, last


def _events(after_id: int, up_to_id: int):
    return (
        AuditEvent.objects.filter(pk__gt=after_id, pk__lte=up_to_id)
        .order_by("pk")
        .values(*_FIELDS)
        .iterator(chunk_size=2000)
    )


@transaction.atomic
def seal_audit_trail(*, now=None) -> AuditSeal | None:
    """Append a seal over the events since the last seal (None when there are none old enough to seal)."""
    now = now or timezone.now()
    last = AuditSeal.objects.select_for_update().order_by("-last_event_id").first()
    after_id, previous = (last.last_event_id, last.chain_sha256) if last else (0, GENESIS)
    up_to = (
        AuditEvent.objects.filter(pk__gt=after_id, at__lt=now - SETTLE)
        .order_by("-pk")
        .values_list("pk", flat=True)
    ).first()
    if up_to is None:
        return None
    digest, count, _ = _chain(previous, _events(after_id, up_to))
    return AuditSeal.objects.create(
        last_event_id=up_to, event_count=count, chain_sha256=digest, sealed_at=now
    )


def audit_trail_problems() -> tuple[int, list[str]]:
    """(events checked, a line for each seal the events no longer reproduce)."""
    checked, problems, after_id, previous = 0, [], 0, GENESIS
    for seal in AuditSeal.objects.order_by("last_event_id"):
        digest, count, _ = _chain(previous, _events(after_id, seal.last_event_id))
        checked += count
        if digest != seal.chain_sha256 or count != seal.event_count:
            problems.append(
                f"Audit trail events {after_id + 1} to {seal.last_event_id}: {count} found where "
                f"{seal.event_count} were sealed on {timezone.localtime(seal.sealed_at):%d %B %Y %H:%M}, "
                "or one of them was changed."
            )
        after_id, previous = seal.last_event_id, seal.chain_sha256
    return checked, problems
