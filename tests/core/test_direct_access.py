"""The database keeps its promise against direct SQL too: REPLACE, upserts and TRUNCATE cannot rewrite or
remove a protected record (a signed sign-off, a confirmed session, a snapshot, the audit trail)."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import AuditEvent
from accounts.services import record_event
from assessments.models import SignOff
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_off(world):
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    return SignOff.objects.get(attempt=fa.signed(world.enrolment, first=world.user("educator")))


@pytest.fixture
def audit_event(world):
    record_event(actor=world.user("admin"), action="test.recorded", obj=world.enrolment, message="as it was")
    return AuditEvent.objects.latest("pk")


def _row(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        columns = [c[0] for c in cursor.description]
        return columns, list(cursor.fetchone())


def rewrite(table, pk, column, value):
    """Write the row again with one value changed, the way each database lets you replace a row."""
    columns, values = _row(table, pk)
    values[columns.index(column)] = value
    names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
    if connection.vendor == "sqlite":
        sql = f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"
    else:
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {column} = %s"
        values.append(value)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)


def test_a_signed_sign_off_cannot_be_replaced_or_upserted(sign_off):
    with pytest.raises(DatabaseError):
        rewrite("assessments_signoff", sign_off.pk, "marks_sha256", "0" * 64)
    assert SignOff.objects.get(pk=sign_off.pk).marks_sha256 == sign_off.marks_sha256


def test_an_audit_event_cannot_be_replaced_or_upserted(audit_event):
    with pytest.raises(DatabaseError):
        rewrite("accounts_auditevent", audit_event.pk, "message", "rewritten")
    assert AuditEvent.objects.get(pk=audit_event.pk).message == "as it was"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.parametrize(
    "table", ["accounts_auditevent", "assessments_signoff", "accreditation_portfoliosnapshot"]
)
def test_protected_tables_refuse_truncate(audit_event, table):
    with (
        pytest.raises(DatabaseError, match="cannot be truncated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


def test_a_confirmed_session_cannot_be_replaced_or_upserted(world):
    from tests.trainees.factories_supervision import SessionFactory
    from trainees.models import SupervisionSession

    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"), confirmed=True)
    with pytest.raises(DatabaseError, match="(?i)confirmed|cannot|refuse"):
        rewrite("trainees_supervisionsession", session.pk, "minutes", 90)
    assert SupervisionSession.objects.get(pk=session.pk).minutes == session.minutes


def test_a_snapshot_cannot_be_replaced_or_upserted(world):
    from accreditation.models import PortfolioSnapshot
    from tests.accreditation.factories_portfolios import SnapshotFactory

    snapshot = SnapshotFactory(enrolment=world.enrolment)
    with pytest.raises(DatabaseError):
        rewrite("accreditation_portfoliosnapshot", snapshot.pk, "pdf_sha256", "0" * 64)
    assert PortfolioSnapshot.objects.get(pk=snapshot.pk).pdf_sha256 == snapshot.pdf_sha256


@pytest.fixture
def outside_connection():
    """SQLite: the product's connections turn on recursive_triggers, a sqlite3 shell on the file does not.
    Turn it off for the test's connection to write as such a shell would."""
    if connection.vendor != "sqlite":
        pytest.skip("recursive_triggers is SQLite's; PostgreSQL's upsert meets the update triggers")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers=OFF")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers=ON")


def replace_as_new_row(table, pk, **changes):
    """INSERT OR REPLACE a copy of a row under a new id: it conflicts only on the row's other unique keys."""
    columns, values = _row(table, pk)
    for column, value in changes.items():
        values[columns.index(column)] = value
    names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", values)


def test_without_recursive_triggers_replace_is_still_refused_on_every_protected_table(
    outside_connection, sign_off, audit_event, world
):
    from accreditation.models import PortfolioSnapshot
    from tests.accreditation.factories_portfolios import SnapshotFactory
    from tests.trainees.factories_supervision import SessionFactory
    from trainees.models import SupervisionSession

    snapshot = SnapshotFactory(enrolment=world.enrolment)
    session = SessionFactory(enrolment=world.enrolment, supervisor=world.user("supervisor"), confirmed=True)
    for table, pk, column, value in [
        ("assessments_signoff", sign_off.pk, "marks_sha256", "0" * 64),
        ("accounts_auditevent", audit_event.pk, "message", "rewritten"),
        ("accreditation_portfoliosnapshot", snapshot.pk, "pdf_sha256", "0" * 64),
        ("trainees_supervisionsession", session.pk, "minutes", 90),
    ]:
        with pytest.raises(DatabaseError, match="(?i)cannot|append-only|frozen"):
            rewrite(table, pk, column, value)
    # A copy under a new id that clashes on another unique key (the attempt, the verification code) would
    # make REPLACE delete the protected row just the same.
    with pytest.raises(DatabaseError, match="cannot be changed"):
        replace_as_new_row("assessments_signoff", sign_off.pk, id=sign_off.pk + 1000, marks_sha256="0" * 64)
    with pytest.raises(DatabaseError, match="frozen"):
        replace_as_new_row("accreditation_portfoliosnapshot", snapshot.pk, id=snapshot.pk + 1000)
    assert SignOff.objects.get(pk=sign_off.pk).marks_sha256 == sign_off.marks_sha256
    assert AuditEvent.objects.get(pk=audit_event.pk).message == "as it was"
    assert PortfolioSnapshot.objects.get(pk=snapshot.pk).pdf_sha256 == snapshot.pdf_sha256
    assert SupervisionSession.objects.get(pk=session.pk).minutes == session.minutes
    assert SignOff.objects.count() == 1 and PortfolioSnapshot.objects.count() == 1
