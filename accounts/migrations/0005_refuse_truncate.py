"""PostgreSQL: TRUNCATE skips row triggers, so every table protected against DELETE also refuses TRUNCATE."""

from django.db import migrations

from accounts.db import RefuseTruncate


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_service_case_reference_pattern"),
        ("assessments", "0002_signed_records_cannot_change"),
        ("accreditation", "0003_portfolios"),
        ("trainees", "0009_deidentified_text_fields"),
    ]

    operations = [RefuseTruncate()]
