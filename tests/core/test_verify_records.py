"""`manage.py verify_records`: every signed record re-hashed, the audit trail checked against its chain of
seals, clean after a PostgreSQL dump is restored into a fresh database."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.db import sqlite_protection_triggers
from accounts.integrity import seal_audit_trail
from accounts.models import AuditEvent, AuditSeal
from accounts.services import record_event
from accreditation.portfolio.services import submit_portfolio
from assessments.models import SignOff
from tests.assessments import factories_assessments as fa


@contextmanager
def behind_the_products_back():
    """Lift the protection triggers, as someone with direct access to the database could."""
    if connection.vendor == "sqlite":
        triggers = sqlite_protection_triggers()
        with connection.cursor() as cursor:
            for name in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for sql in triggers.values():
                    cursor.execute(sql)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def records(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    sign_off = SignOff.objects.get(attempt=fa.signed(world.enrolment, first=world.user("educator")))
    snapshot = submit_portfolio(actor=world.user("trainee"), enrolment=world.enrolment)
    for n in range(3):
        record_event(
            actor=world.user("admin"), action="test.recorded", obj=world.enrolment, message=f"line {n}"
        )
    seal = seal_audit_trail(now=timezone.now() + timedelta(hours=1))
    return sign_off, snapshot, seal


def verify():
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_records", stdout=out, stderr=err)
    except CommandError:
        return False, out.getvalue() + err.getvalue()
    return True, out.getvalue()


@pytest.mark.django_db
def test_untouched_records_verify_clean_and_every_tampering_is_reported(world):
    sign_off, snapshot, seal = records(world)
    assert seal.event_count == AuditEvent.objects.count() > 3
    ok, output = verify()
    assert ok, output
    assert "1 sign-offs checked, 0 not matching" in output and "Every record matches" in output

    with behind_the_products_back():
        SignOff.objects.filter(pk=sign_off.pk).update(marks={"rewritten": True})
        type(snapshot).objects.filter(pk=snapshot.pk).update(data={**snapshot.data, "extra": 1})
        AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("pk")[1].pk).delete()
    ok, output = verify()
    assert not ok
    assert f"Sign-off {sign_off.pk}: the agreed marks no longer match" in output
    assert f"Portfolio snapshot {snapshot.verification_code}: its data no longer matches" in output
    assert f"{seal.event_count - 1} found where {seal.event_count} were sealed" in output


@pytest.mark.django_db
def test_a_rewritten_audit_line_breaks_the_chain_and_seals_cannot_change(world):
    _sign_off, _snapshot, seal = records(world)
    with behind_the_products_back():
        AuditEvent.objects.filter(pk=AuditEvent.objects.latest("pk").pk).update(message="softened")
    ok, output = verify()
    assert not ok and "or one of them was changed" in output
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(chain_sha256="0" * 64)


@pytest.mark.django_db
def test_recent_events_wait_to_be_sealed_and_later_seals_chain_on(world):
    record_event(actor=world.user("admin"), action="test.recorded", obj=world.enrolment, message="now")
    assert seal_audit_trail() is None  # nothing older than the settling time yet
    first = seal_audit_trail(now=timezone.now() + timedelta(hours=1))
    record_event(actor=world.user("admin"), action="test.recorded", obj=world.enrolment, message="later")
    second = seal_audit_trail(now=timezone.now() + timedelta(hours=1))
    assert (first.event_count, second.event_count) == (AuditEvent.objects.count() - 1, 1)
    assert verify()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="restores a PostgreSQL dump")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_restored_into_a_fresh_database_verifies_clean(world, tmp_path):
    records(world)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    dump = tmp_path / "backup.dump"
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), f"{url}/{db['NAME']}"], check=True, env=env)
    subprocess.run(
        ["createdb", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], fresh], check=True, env=env
    )
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", f"{url}/{fresh}", str(dump)], check=True, env=env)
        result = subprocess.run(
            [sys.executable, "manage.py", "verify_records"],
            cwd=settings.BASE_DIR,
            env={**env, "DATABASE_URL": f"{url}/{fresh}", "DJANGO_SETTINGS_MODULE": "config.settings_test"},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 sign-offs checked, 0 not matching" in result.stdout
        assert "1 portfolio snapshots checked, 0 not matching" in result.stdout
        assert "Every record matches" in result.stdout
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], fresh], env=env
        )
