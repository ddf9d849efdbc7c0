"""One definition of an open case: the rule on loaded values and the database filter agree on every
boundary, and supervision's case count is the caseload page's count."""

from datetime import date, timedelta
from itertools import product

import pytest

from tests import factories as f
from tests.trainees.factories_caseload import CaseFactory
from trainees.caseload.open_cases import is_open_on
from trainees.models import Case
from trainees.supervision.engine import CaseFact, evaluate

DAY = date(2026, 6, 15)


def test_a_case_is_open_from_its_opening_day_until_the_day_it_closes():
    assert is_open_on(DAY, None, DAY)
    assert not is_open_on(DAY + timedelta(days=1), None, DAY)
    assert is_open_on(DAY - timedelta(days=9), DAY + timedelta(days=1), DAY)
    assert not is_open_on(DAY - timedelta(days=9), DAY, DAY)  # closed on the day: closed


@pytest.mark.django_db
def test_the_database_filter_and_the_rule_agree_on_every_boundary():
    enrolment = f.EnrolmentFactory()
    offsets = (-2, -1, 0, 1, 2)
    made = []
    for opened, closed in product(offsets, (*offsets, None)):
        if closed is not None and closed < opened:
            continue
        opened_on = DAY + timedelta(days=opened)
        closed_on = None if closed is None else DAY + timedelta(days=closed)
        case = CaseFactory(
            enrolment=enrolment,
            reference=f"NV-{len(made):06d}",
            opened_on=opened_on,
            closed_on=closed_on,
            status=Case.Status.OPEN if closed_on is None else Case.Status.CLOSED,
        )
        made.append(case)
    expected = {c.pk for c in made if is_open_on(c.opened_on, c.closed_on, DAY)}
    assert set(Case.objects.filter(enrolment=enrolment).open_on(DAY).values_list("pk", flat=True)) == expected
    assert 0 < len(expected) < len(made)
    # Supervision's engine counts the same cases as open.
    facts = [CaseFact(c.pk, c.reference, c.opened_on, c.closed_on) for c in made]
    assert evaluate(start=DAY - timedelta(days=30), end=DAY, sessions=[], cases=facts).active_cases == len(
        expected
    )
