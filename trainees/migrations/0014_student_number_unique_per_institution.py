"""A student number belongs to one student at an institution (the programme's education provider), not just
within a cohort: a register from the university's student record matches trainees by it.

The rule spans three tables (enrolment -> cohort -> programme's institution), which a unique constraint cannot
express, and the same person may keep their number on a later enrolment at the same institution. So the
database enforces it with a trigger on SQLite and PostgreSQL alike (as it enforces signed records), refusing
an insert or update that gives a number already held by another person at the institution. On PostgreSQL the
trigger first takes a transaction lock on the (institution, number) pair, so two simultaneous enrolments
cannot both pass. The services and the intake check first and name the clash in words.

SQLite drops a table's triggers when a later migration rebuilds it: such a migration must put this one back
(see 0010 for the pattern); tests/trainees/test_student_numbers.py fails if it is missing.
"""

from django.db import migrations

MESSAGE = "A student number belongs to one student at an institution."
NAME = "pwp_student_number_per_institution"

# The institution of a cohort, and whether another person there already holds the number.
_INSTITUTION = (
    "(SELECT p2.hei_id FROM curriculum_cohort c2 JOIN curriculum_programme p2 ON p2.id = c2.programme_id "
    "WHERE c2.id = NEW.cohort_id)"
)
_HELD = (
    "SELECT 1 FROM trainees_enrolment e JOIN curriculum_cohort c ON c.id = e.cohort_id "
    "JOIN curriculum_programme p ON p.id = c.programme_id "
    "WHERE e.student_number = NEW.student_number AND e.user_id <> NEW.user_id AND e.id <> NEW.id "
    "AND p.hei_id = {institution}"
)

SQLITE = [
    f"CREATE TRIGGER {NAME}_insert BEFORE INSERT ON trainees_enrolment FOR EACH ROW "
    f"WHEN NEW.student_number <> '' BEGIN SELECT RAISE(ABORT, '{MESSAGE}') "
    f"WHERE EXISTS ({_HELD.format(institution=_INSTITUTION).replace('AND e.id <> NEW.id ', '')}); END",
    f"CREATE TRIGGER {NAME}_update BEFORE UPDATE OF student_number, cohort_id, user_id ON trainees_enrolment "
    f"FOR EACH ROW WHEN NEW.student_number <> '' BEGIN SELECT RAISE(ABORT, '{MESSAGE}') "
    f"WHERE EXISTS ({_HELD.format(institution=_INSTITUTION)}); END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}_insert", f"DROP TRIGGER IF EXISTS {NAME}_update"]

POSTGRESQL = [
    f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$ "
    "DECLARE institution bigint; "
    "BEGIN "
    "IF NEW.student_number = '' THEN RETURN NEW; END IF; "
    "SELECT p.hei_id INTO institution FROM curriculum_cohort c "
    "JOIN curriculum_programme p ON p.id = c.programme_id WHERE c.id = NEW.cohort_id; "
    "PERFORM pg_advisory_xact_lock(hashtext('student-number:' || institution || ':' || NEW.student_number)); "
    f"IF EXISTS ({_HELD.format(institution='institution')}) THEN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'unique_violation'; "
    "END IF; "
    "RETURN NEW; "
    "END; $$ LANGUAGE plpgsql",
    f"CREATE TRIGGER {NAME} BEFORE INSERT OR UPDATE OF student_number, cohort_id, user_id "
    f"ON trainees_enrolment FOR EACH ROW EXECUTE FUNCTION {NAME}()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {NAME} ON trainees_enrolment",
    f"DROP FUNCTION IF EXISTS {NAME}()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"No student-number trigger for the {vendor} backend.")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0003_marking_return_period"),  # the triggers read its tables as they finally are
        ("trainees", "0013_referral_ends_and_confirming_imports"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
