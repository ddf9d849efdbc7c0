from django.core.management.base import BaseCommand

from curriculum.reference import load_curriculum
from trainees.reference_caseload import load_caseload_reference


class Command(BaseCommand):
    help = "Load or update the reference data in fixtures/ (curriculum editions, routes, competences, ...)."

    def handle(self, *args, **options):
        counts = load_curriculum()
        self.stdout.write("Curriculum: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        self.stdout.write("Caseload: " + ", ".join(f"{n} {k}" for k, n in load_caseload_reference().items()))
