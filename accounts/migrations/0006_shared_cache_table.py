"""The shared cache's table, so that `migrate` alone prepares a database for the default cache (CACHE_URL unset).

`createcachetable` does nothing for a cache that is not the database's, and nothing when the table exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_seals_and_no_truncate")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
