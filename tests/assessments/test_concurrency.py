"""Two educators signing the same competence at the same moment leave exactly one sign-off.

Real concurrent transactions, each thread on its own database connection. SQLite serialises every write
transaction (IMMEDIATE mode), so only PostgreSQL can show two transactions racing past the same check.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import ConflictError
from assessments.models import Attempt, SignOff
from assessments.services import mark_attempt, signoffs
from tests.assessments import factories_assessments as fa

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write transaction at a time, so no two sign-offs can race (PostgreSQL only).",
    ),
]


def race(*calls):
    """Run each call in its own thread and connection; return what each returned or raised."""
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def agreed_pass_without_sign_off(world):
    """An attempt whose agreed outcome is a pass, not yet signed (as if two educators opened it at once)."""
    fa.ensure_reference()
    attempt = fa.submit(world.enrolment)
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        status=Attempt.Status.AGREED,
        first_marker=world.user("educator"),
        first_marked_at=now,
        first_outcome="passed",
        outcome="passed",
        agreed_at=now,
        release_on=timezone.localdate(),
    )
    return attempt.pk


def test_two_simultaneous_sign_offs_leave_exactly_one(world, monkeypatch):
    attempt_id = agreed_pass_without_sign_off(world)
    both_checked = threading.Barrier(2, timeout=20)
    original = signoffs.current_sign_off

    def check_then_wait(*args):
        # Both transactions pass the "not signed yet" check before either inserts: a true race.
        found = original(*args)
        both_checked.wait()
        return found

    monkeypatch.setattr(signoffs, "current_sign_off", check_then_wait)

    def sign(persona):
        return lambda: signoffs.sign_off_competence(
            actor=world.user(persona), attempt=Attempt.objects.with_context().get(pk=attempt_id)
        )

    results = race(sign("educator"), sign("lead"))

    winners = [r for r in results if isinstance(r, SignOff)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "has just signed off" in str(losers[0])
    assert SignOff.objects.filter(attempt_id=attempt_id).count() == 1
    assert SignOff.objects.filter(enrolment=world.enrolment).count() == 1
    assert AuditEvent.objects.filter(action="competence.signed").count() == 1


def test_two_educators_marking_the_same_attempt_at_once_leave_one_marking_and_one_sign_off(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    attempt_id = fa.submit(world.enrolment).pk
    start = threading.Barrier(2, timeout=20)

    def mark(persona):
        def call():
            attempt = Attempt.objects.with_context().get(pk=attempt_id)
            start.wait()
            return mark_attempt(
                actor=world.user(persona),
                attempt=attempt,
                ratings=fa.ratings(attempt.component, 3),
                feedback=f"Marked by {persona}",
                release_on=timezone.localdate(),
            )

        return call

    results = race(mark("educator"), mark("lead"))

    winners = [r for r in results if isinstance(r, Attempt)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.feedback == winners[0].feedback
    assert attempt.ratings.count() == 10
    assert SignOff.objects.filter(attempt_id=attempt_id).count() == 1
    assert AuditEvent.objects.filter(action="attempt.marked").count() == 1
