"""Writes for a cohort's submission deadlines."""

from datetime import date

from django.db import transaction

from accounts.services import DomainError, record_event
from assessments.models import SubmissionDeadline
from assessments.selectors import deadline_components, is_programme_administrator
from curriculum.models import Cohort


@transaction.atomic
def set_submission_deadlines(*, actor, cohort: Cohort, deadlines: dict[int, date | None]) -> int:
    """Set, move or clear a cohort's deadlines ({component id: day, or None to clear}); the programme's
    administrators only. Returns how many changed; one audit event lists each change before and after."""
    if (
        actor is not None
        and not actor.is_superuser
        and not is_programme_administrator(actor, cohort.programme)
    ):
        raise DomainError("Only the programme's administrators can set its deadlines.")
    allowed = {c.pk: c for c in deadline_components(cohort)}
    unknown = set(deadlines) - set(allowed)
    if unknown:
        raise DomainError("A deadline is for an assessment that is not in this programme's scheme.")
    existing = {
        d.component_id: d
        for d in SubmissionDeadline.objects.select_for_update().filter(
            cohort=cohort, component_id__in=deadlines
        )
    }
    before, after = {}, {}
    for component_id, due_on in deadlines.items():
        row = existing.get(component_id)
        old = row.due_on if row else None
        if old == due_on:
            continue
        code = allowed[component_id].code
        before[code] = old.isoformat() if old else None
        after[code] = due_on.isoformat() if due_on else None
        if due_on is None:
            row.delete()
        elif row is None:
            SubmissionDeadline.objects.create(cohort=cohort, component_id=component_id, due_on=due_on)
        else:
            row.due_on = due_on
            row.save(update_fields=["due_on"])
    if after:
        record_event(
            actor=actor,
            action="submission_deadlines.changed",
            obj=cohort,
            message=f"{len(after)} deadlines",
            before=before,
            after=after,
        )
    return len(after)
