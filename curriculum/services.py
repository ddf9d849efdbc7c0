"""Writes for programmes and cohorts (the Django admin calls these; the pages will too)."""

from django.db import transaction

from accounts.models import Organisation
from accounts.services import DomainError, save_record
from curriculum.models import Cohort, Programme


def _check_programme(programme: Programme) -> None:
    if programme.hei_id and programme.hei.kind != Organisation.Kind.HEI:
        raise DomainError(f"{programme.hei} is not an education provider.")


@transaction.atomic
def create_programme(*, actor, fields: dict) -> Programme:
    """Add a programme with `fields` (field name -> value) and audit it."""
    programme = Programme(
        **{k: v for k, v in fields.items() if not Programme._meta.get_field(k).many_to_many}
    )
    _check_programme(programme)
    return save_record(actor=actor, instance=programme, changes=fields, action="programme.created")


@transaction.atomic
def update_programme(*, actor, programme: Programme, changes: dict) -> Programme:
    """Change a programme's fields; the audit event shows each changed field before and after."""
    for name, value in changes.items():
        setattr(programme, name, value)
    _check_programme(programme)
    return save_record(actor=actor, instance=programme, changes=changes, action="programme.changed")


@transaction.atomic
def create_cohort(*, actor, fields: dict) -> Cohort:
    """Add an intake to a programme (educators included) and audit it."""
    cohort = Cohort(**{k: v for k, v in fields.items() if not Cohort._meta.get_field(k).many_to_many})
    return save_record(actor=actor, instance=cohort, changes=fields, action="cohort.created")


@transaction.atomic
def update_cohort(*, actor, cohort: Cohort, changes: dict) -> Cohort:
    """Change a cohort's fields or educators; the audit event shows each change before and after."""
    return save_record(actor=actor, instance=cohort, changes=changes, action="cohort.changed")
