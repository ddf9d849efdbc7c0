"""Two daily passes at the same moment (two workers, or cron and a person) create and send each reminder once.

Real concurrent transactions, each thread on its own connection: PostgreSQL only (SQLite runs one write
transaction at a time)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from notifications.reference import load_notification_kinds
from notifications.services import run_daily_pass
from trainees.cpd.services import record_cpd_activity

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def test_two_concurrent_runs_send_each_reminder_once(world, smtp_inbox):
    load_notification_kinds()
    today = timezone.localdate()
    for n in range(5):
        record_cpd_activity(
            actor=world.enrolment.user,
            enrolment=world.enrolment,
            date=today - timedelta(days=n + 1),
            title=f"Workshop {n}",
            hours=Decimal("1"),
        )
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            run_daily_pass(on=today)
        except Exception as error:  # noqa: BLE001 - the test reports what a thread raised
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    keys = list(Notification.objects.values_list("recipient_id", "kind_id", "subject", "due_on"))
    assert keys and len(keys) == len(set(keys))
    # Nobody chose: everything goes in the daily digest, so each person told gets exactly one message,
    # whichever run claimed their items.
    emailed = set(Notification.objects.exclude(emailed_at=None).values_list("recipient__email", flat=True))
    addresses = [a.addr_spec for m in smtp_inbox.messages for a in m["To"].addresses]
    assert emailed and sorted(addresses) == sorted(emailed)
    assert not Notification.objects.filter(emailed_at=None, email_claim="").exists()
    assert run_daily_pass(on=today).created == 0
