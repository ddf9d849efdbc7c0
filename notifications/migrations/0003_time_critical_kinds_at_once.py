"""Kinds already in a database get the e-mail default fixtures/notifications.json gives them: the new
default_frequency field starts as a daily digest, and only the kinds that are time-critical for one person
(a visit pack they asked for, their own marks released) go at once. Nobody can have edited the new field
yet, so this overwrites nothing an administrator chose. A fresh database has no kinds here: it loads them
from the fixture."""

from django.db import migrations

AT_ONCE = ("visit-pack-finished", "marks-released")


def at_once(apps, schema_editor):
    NotificationKind = apps.get_model("notifications", "NotificationKind")
    NotificationKind.objects.filter(code__in=AT_ONCE).update(default_frequency="at_once")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_kind_default_email_frequency")]

    operations = [migrations.RunPython(at_once, migrations.RunPython.noop)]
