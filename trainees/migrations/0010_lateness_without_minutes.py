"""A programme may record lateness without minutes: a late or left-early mark may then have none.

SQLite changes a check constraint by rebuilding the table, which drops its triggers, so the trigger that keeps
register marks unchangeable is taken off before and put back after (on PostgreSQL the same, harmlessly)."""

from django.db import migrations, models

from accounts.db import drop_trigger_sql, trigger_sql

TRIGGER = {
    "name": "marks_are_versions",
    "operations": ("UPDATE", "DELETE"),
}
MESSAGE = "Register marks are never changed or deleted: a correction adds a new version."


def _table(apps):
    return apps.get_model("trainees", "AttendanceMark")._meta.db_table


def drop_trigger(apps, schema_editor):
    for sql in drop_trigger_sql(schema_editor.connection.vendor, _table(apps), **TRIGGER):
        schema_editor.execute(sql, params=None)


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in trigger_sql(vendor, _table(apps), when=None, message=MESSAGE, **TRIGGER):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("trainees", "0009_deidentified_text_fields"),
    ]

    operations = [
        migrations.RunPython(drop_trigger, create_trigger),
        migrations.RemoveConstraint(
            model_name="attendancemark",
            name="minutes_missed_only_when_late_or_left_early",
        ),
        migrations.AddConstraint(
            model_name="attendancemark",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["late", "left_early"]), ("minutes_missed", 0), _connector="OR"
                ),
                name="minutes_missed_only_when_late_or_left_early",
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
