"""The one definition of an open case, used by the caseload page, the caseload figures, supervision's case
reviews and every export: a case is open on a day when it was opened on or before that day and has not
been closed by then (a case closed on the day is closed).

`is_open_on` is the rule for values already loaded (the pure engines); `open_on_q` is the same rule as a
database filter, behind `Case.objects.open_on(day)`. tests/trainees/test_open_cases.py holds them equal."""

from datetime import date

from django.db.models import Q


def is_open_on(opened_on: date, closed_on: date | None, day: date) -> bool:
    return opened_on <= day and (closed_on is None or closed_on > day)


def open_on_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )
