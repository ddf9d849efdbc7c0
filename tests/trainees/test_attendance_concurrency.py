"""Two people saving one register at the same moment: one set of marks, a clear message for the other."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from accounts.services import ConflictError
from tests import factories as f
from tests.trainees.factories_attendance import TeachingDayFactory
from trainees.attendance.services import MarkInput, save_register
from trainees.models import AttendanceMark

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_educators_saving_one_register_at_once_leave_exactly_one_set_of_marks(curriculum):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this needs PostgreSQL's concurrent transactions.")
    start = date(2026, 1, 5)
    cohort = f.CohortFactory(start_date=start)
    enrolment = f.EnrolmentFactory(cohort=cohort)
    day = TeachingDayFactory(cohort=cohort, date=start + timedelta(days=1))
    educators = [f.ProgrammeMembershipFactory(programme=cohort.programme).user for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(actor, status):
        try:
            barrier.wait(timeout=10)
            save_register(
                actor=actor,
                day=day,
                marks={enrolment.pk: MarkInput(status)},
                expected_version=0,
                today=start + timedelta(days=30),
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(educators[0], "present")),
        threading.Thread(target=save, args=(educators[1], "authorised_absence")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert AttendanceMark.objects.count() == 1
