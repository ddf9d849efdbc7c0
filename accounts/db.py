"""Database-level protection for records that must never change: signed sign-offs, the audit trail, snapshots.

`RefuseChanges` is a migration operation that installs a trigger on SQLite and PostgreSQL alike. The
trigger aborts UPDATE and/or DELETE (optionally only for rows matching a condition on OLD), raising an
integrity error, so even a raw SQL statement or a buggy admin cannot rewrite history.
"""

from django.db import connection
from django.db.migrations.operations.base import Operation

TRIGGER_PREFIX = "pwp_refuse_"


def _trigger_name(table: str, name: str) -> str:
    # PostgreSQL truncates identifiers at 63 characters; leave room for SQLite's _update/_delete suffix.
    return f"{TRIGGER_PREFIX}{table}_{name}"[:55]


def trigger_sql(vendor: str, table: str, *, name: str, operations, when: str | None, message: str):
    trigger = _trigger_name(table, name)
    safe_message = message.replace("'", "''")
    ops = " OR ".join(operations)
    if vendor == "sqlite":
        condition = f"WHEN {when} " if when else ""
        return [
            f"CREATE TRIGGER {trigger}_{op.lower()} BEFORE {op} ON {table} FOR EACH ROW {condition}"
            f"BEGIN SELECT RAISE(ABORT, '{safe_message}'); END"
            for op in operations
        ]
    if vendor == "postgresql":
        condition = f"WHEN ({when}) " if when else ""
        return [
            "CREATE OR REPLACE FUNCTION pwp_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END; "
            "$$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {trigger} BEFORE {ops} ON {table} FOR EACH ROW {condition}"
            f"EXECUTE FUNCTION pwp_refuse_change('{safe_message}')",
        ]
    raise NotImplementedError(f"No immutability trigger for the {vendor} backend.")


def drop_trigger_sql(vendor: str, table: str, *, name: str, operations):
    trigger = _trigger_name(table, name)
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {trigger}_{op.lower()}" for op in operations]
    return [f"DROP TRIGGER IF EXISTS {trigger} ON {table}"]


class RefuseChanges(Operation):
    """Install a trigger refusing UPDATE/DELETE on a model's table (optionally only `when` OLD matches)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name, *, name, message, operations=("UPDATE", "DELETE"), when=None):
        self.model_name = model_name
        self.name = name
        self.message = message
        self.operations = tuple(operations)
        self.when = when

    def deconstruct(self):
        kwargs = {"name": self.name, "message": self.message, "operations": self.operations}
        if self.when:
            kwargs["when"] = self.when
        return (self.__class__.__qualname__, [self.model_name], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        for sql in trigger_sql(
            schema_editor.connection.vendor,
            table,
            name=self.name,
            operations=self.operations,
            when=self.when,
            message=self.message,
        ):
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        for sql in drop_trigger_sql(
            schema_editor.connection.vendor, table, name=self.name, operations=self.operations
        ):
            schema_editor.execute(sql, params=None)

    def describe(self):
        return f"Refuse {'/'.join(self.operations)} on {self.model_name} ({self.name})"


def sqlite_protection_triggers(conn=None) -> dict[str, str]:
    """Name -> CREATE statement of every protection trigger (SQLite only; used around test flushes)."""
    conn = conn or connection
    if conn.vendor != "sqlite":
        return {}
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        return dict(cursor.fetchall())
