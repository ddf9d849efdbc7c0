from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from curriculum.models import CurriculumEdition
from demo import DEMO_PASSWORD, assessments, attendance, cohort40, foundation, portfolios
from demo import caseload as demo_caseload
from demo import cpd as cpd_demo
from demo import supervision as supervision_demo
from demo import workforce as workforce_demo

DEMO_LOGINS = [
    ("admin", "programme administrator (Northvale) and Django admin"),
    ("educator", "educator on the Northvale programme"),
    ("lead", "programme lead on the Northvale programme (reopens signed records, moderates)"),
    ("educator2", "programme lead on the Southmere programme"),
    ("supervisor", "supervisor of trainee.new, trainee.mid, trainee.late, trainee.done and trainee.cpd"),
    ("supervisor.uncredentialed", "supervisor without accredited training: her sessions do not count"),
    ("adam.ahmed", "one of forty trainees on the large Northvale intake (nv-cohort-40)"),
    ("visitor", "BPS accreditation visitor on the Northvale visit"),
    ("trainee.new", "trainee in month 1"),
    ("trainee.mid", "trainee in month 6"),
    ("trainee.late", "trainee in month 11"),
    ("trainee.done", "trainee who has finished"),
    ("trainee.cpd", "qualified member of staff on the CPD route"),
]


class Command(BaseCommand):
    help = "Create the demo programmes, people and records. Safe to run again: existing data is kept."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo adds demo people with a published password. DEBUG is off, so this looks like a "
                "real deployment: refusing. Use --force if you really mean it."
            )
        if not CurriculumEdition.objects.filter(is_current=True).exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        today = timezone.localdate()
        foundation.seed(today)
        attendance.seed(today)
        assessments.seed(today)
        demo_caseload.seed(today)
        supervision_demo.seed(today)
        cpd_demo.seed(today)
        cohort40.seed(today)  # forty trainees at mixed stages: the cohort pages at real size
        workforce_demo.seed(today)  # careers after qualifying: posts, leavers, destinations
        portfolios.seed(today)  # last: it freezes the records the other areas seeded
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role}")
