"""Give every application recorded before outcomes were kept by date one dated step: its outcome as it stands,
on the day the application was recorded (the earliest date the records can vouch for)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Application = apps.get_model("workforce", "Application")
    ApplicationOutcome = apps.get_model("workforce", "ApplicationOutcome")
    steps = [
        ApplicationOutcome(
            application_id=a.pk,
            outcome=a.outcome,
            decided_on=a.recorded_at.date(),
            recorded_by_id=a.recorded_by_id,
            recorded_at=a.recorded_at,
        )
        for a in Application.objects.filter(outcomes__isnull=True).iterator()
    ]
    ApplicationOutcome.objects.bulk_create(steps, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0003_application_outcome_history")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
