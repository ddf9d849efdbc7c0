"""Signed means immutable, enforced by the database on SQLite and PostgreSQL alike.

Sign-offs, reopenings, item ratings, evidence files and accepted mitigating circumstances are written once and
never changed. An attempt is locked once its marks are agreed. The only way back from a sign-off is a new
reopening row by the programme lead (see assessments.services.reopen_sign_off).
"""

from django.db import migrations

from accounts.db import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        RefuseChanges(
            "signoff",
            name="signed",
            message="A signed-off competence cannot be changed or deleted: the programme lead may reopen it.",
        ),
        RefuseChanges(
            "signoffreopening",
            name="written_once",
            message="A reopening is part of the record: it cannot be changed or deleted.",
        ),
        RefuseChanges(
            "attemptrating",
            name="written_once",
            message="Marks are written once: item ratings cannot be changed or deleted.",
        ),
        RefuseChanges(
            "evidencefile",
            name="written_once",
            message="Evidence files are kept as submitted: they cannot be changed or deleted.",
        ),
        RefuseChanges(
            "mitigatingcircumstances",
            name="written_once",
            message="Accepted mitigating circumstances cannot be changed or deleted.",
        ),
        RefuseChanges(
            "attempt",
            name="agreed",
            message="The marks of this attempt are agreed: it cannot be changed or deleted.",
            when="OLD.status = 'agreed'",
        ),
    ]
