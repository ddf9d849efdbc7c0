from django.core.management.base import BaseCommand

from accreditation.reference import load_schemes
from assessments.reference import load_assessments
from curriculum.reference import load_curriculum
from notifications.reference import load_notification_kinds
from trainees.caseload.reference import load_caseload_reference
from trainees.imports.reference import load_import_profiles
from trainees.supervision.reference import load_supervision_rules
from workforce.reference import load_workforce_rules


class Command(BaseCommand):
    help = "Load or update the reference data in fixtures/ (curriculum editions, routes, competences, ...)."

    def handle(self, *args, **options):
        counts = load_curriculum()
        self.stdout.write("Curriculum: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        counts = load_assessments()
        self.stdout.write("Assessments: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        counts = load_schemes()
        self.stdout.write("Schemes: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        self.stdout.write(
            "Supervision rules: " + ", ".join(f"{n} {name}" for name, n in load_supervision_rules().items())
        )
        self.stdout.write("Caseload: " + ", ".join(f"{n} {k}" for k, n in load_caseload_reference().items()))
        counts = load_import_profiles()
        self.stdout.write("Imports: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        counts = load_workforce_rules()
        self.stdout.write("Workforce rules: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        self.stdout.write(
            "Notifications: " + ", ".join(f"{n} {k}" for k, n in load_notification_kinds().items())
        )
