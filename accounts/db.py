"""Database-level protection for records that must never change: signed sign-offs, the audit trail, snapshots.

`RefuseChanges` is a migration operation that installs a trigger on SQLite and PostgreSQL alike. The
trigger aborts UPDATE and/or DELETE (optionally only for rows matching a condition on OLD), raising an
integrity error, so even a raw SQL statement or a buggy admin cannot rewrite history.
"""

import re

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
        return [f"DROP TRIGGER IF EXISTS {trigger}_{op.lower()}" for op in (*operations, "REPLACE")]
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
        if "DELETE" in self.operations and schema_editor.connection.vendor == "postgresql":
            # TRUNCATE removes rows without firing row triggers: refuse it on every protected table too.
            schema_editor.execute(truncate_trigger_sql(table), params=None)
        if "DELETE" in self.operations and schema_editor.connection.vendor == "sqlite":
            add_sqlite_replace_triggers(schema_editor.connection, table=table)

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


TRUNCATE_TRIGGER = "pwp_refuse_truncate"
TRUNCATE_MESSAGE = "These records are protected: they cannot be truncated."


def truncate_trigger_sql(table: str) -> str:
    """PostgreSQL only: a statement trigger refusing TRUNCATE.

    SQLite has no TRUNCATE: its DELETE fires the row triggers, and `PRAGMA recursive_triggers` (settings)
    makes INSERT OR REPLACE fire them too."""
    return (
        f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}; "
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION pwp_refuse_change('{TRUNCATE_MESSAGE}')"
    )


def protected_tables(conn=None) -> list[str]:
    """PostgreSQL: every table carrying a protection trigger that refuses DELETE."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE %s AND t.tgname <> %s "
            "AND (t.tgtype & 8) <> 0 ORDER BY 1",
            [TRIGGER_PREFIX + "%", TRUNCATE_TRIGGER],
        )
        return [row[0] for row in cursor.fetchall()]


class RefuseTruncate(Operation):
    """PostgreSQL: add the TRUNCATE refusal to every table already protected by a DELETE trigger."""

    reversible = True
    reduces_to_sql = False

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in protected_tables(schema_editor.connection):
            schema_editor.execute(truncate_trigger_sql(table), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in protected_tables(schema_editor.connection):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}", params=None)

    def describe(self):
        return "Refuse TRUNCATE on every protected table (PostgreSQL)"


_DELETE_TRIGGER = re.compile(
    r"CREATE TRIGGER (?P<name>\w+)_delete BEFORE DELETE ON (?P<table>\w+) FOR EACH ROW "
    r"(?:WHEN (?P<when>.*?) )?BEGIN SELECT RAISE\(ABORT, (?P<message>'.*')\); END",
    re.DOTALL,
)


def _same_key_conditions(conn, cursor, table: str) -> list[str]:
    """One SQL condition per unique key (primary key, unique constraints, partial unique indexes with their
    WHERE on both rows) that is true when NEW would conflict with the row `pwp_old` on that key."""
    conditions = []
    for name, constraint in conn.introspection.get_constraints(cursor, table).items():
        if not (constraint["unique"] or constraint["primary_key"]) or not constraint["columns"]:
            continue
        parts = [f'pwp_old."{col}" = NEW."{col}"' for col in constraint["columns"]]
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        row = cursor.fetchone()
        partial = re.search(r"\sWHERE\s(.*)$", row[0], re.DOTALL) if row and row[0] else None
        if partial:  # only rows inside the index conflict: both must meet its condition
            for alias in ("pwp_old", "NEW"):
                parts.append("(" + re.sub(r'"(\w+)"', rf'{alias}."\1"', partial.group(1)) + ")")
        conditions.append("(" + " AND ".join(parts) + ")")
    return conditions


def add_sqlite_replace_triggers(conn=None, *, table: str | None = None) -> list[str]:
    """SQLite: beside each trigger refusing DELETE, one refusing an INSERT that would REPLACE a protected row.

    `INSERT OR REPLACE` deletes the row it conflicts with, and that delete fires the DELETE trigger only on a
    connection with `PRAGMA recursive_triggers=ON`, which the product sets on its own connections but a
    `sqlite3` shell on the same file does not. A BEFORE INSERT trigger fires on every connection, before the
    conflicting row is removed: it refuses a new row that matches a protected row on any unique key (the
    primary key included). An ordinary insert matches nothing and passes. Returns the triggers created."""
    conn = conn or connection
    if conn.vendor != "sqlite":
        return []
    created = []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        existing = dict(cursor.fetchall())
        for sql in list(existing.values()):
            found = _DELETE_TRIGGER.fullmatch(sql.strip())
            if not found or (table and found["table"] != table):
                continue
            name = f"{found['name']}_replace"
            if name in existing:
                continue
            same_key = " OR ".join(_same_key_conditions(conn, cursor, found["table"]))
            condition = f"({same_key})"
            if found["when"]:
                condition += " AND (" + re.sub(r"\bOLD\.", "pwp_old.", found["when"]) + ")"
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {found['table']} FOR EACH ROW "
                f"WHEN EXISTS (SELECT 1 FROM {found['table']} AS pwp_old WHERE {condition}) "
                f"BEGIN SELECT RAISE(ABORT, {found['message']}); END"
            )
            created.append(name)
    return created
