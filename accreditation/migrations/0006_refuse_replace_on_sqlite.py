"""SQLite: refuse INSERT OR REPLACE on every protected table from any connection, not only the product's.

`PRAGMA recursive_triggers` (settings) belongs to a connection, so a `sqlite3` shell on the database file
could still REPLACE a signed or confirmed row. A BEFORE INSERT trigger beside each DELETE-refusing trigger
closes that for every connection (`accounts.db.add_sqlite_replace_triggers`). Nothing happens on PostgreSQL,
whose `ON CONFLICT DO UPDATE` meets the UPDATE triggers. Placed here, after every app's protection triggers;
later `RefuseChanges` operations add their own.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.db import add_sqlite_replace_triggers

    add_sqlite_replace_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pwp_refuse_%_replace'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("trainees", "0010_lateness_without_minutes"),
        ("assessments", "0003_submission_deadlines"),
        ("accreditation", "0005_live_portfolio_renders"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
