from django.core.management.base import BaseCommand

from assessments.reference import load_assessments
from curriculum.reference import load_curriculum


class Command(BaseCommand):
    help = "Load or update the reference data in fixtures/ (curriculum editions, routes, competences, ...)."

    def handle(self, *args, **options):
        counts = load_curriculum()
        self.stdout.write("Curriculum: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        counts = load_assessments()
        self.stdout.write("Assessments: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
