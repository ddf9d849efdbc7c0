from django.db import migrations

from accounts.db import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        RefuseChanges(
            "auditevent",
            name="append_only",
            message="The audit trail is append-only: its lines cannot be changed or deleted.",
        ),
    ]
