"""python manage.py remember_facts [--date YYYY-MM-DD] [--batch 100]: run daily, soon after midnight."""

import time
from datetime import date

from django.core.management.base import BaseCommand

from trainees.enrolment.facts import warm
from trainees.models import Enrolment


class Command(BaseCommand):
    help = (
        "Work out and remember, for the day, the facts the cohort pages, readiness table, competence grid "
        "and attention list show for every trainee not withdrawn, a batch at a time, so the first person to "
        "open them in the morning does not wait. Safe to run twice: the second run finds them remembered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="the day (default today)")
        parser.add_argument("--batch", type=int, default=100, help="trainees worked out together (100)")

    def handle(self, *args, date=None, batch: int, **options):
        started = time.perf_counter()
        ids = list(
            Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size, done = max(batch, 1), 0
        for first in range(0, len(ids), size):
            done += warm(ids[first : first + size], on=date)
        self.stdout.write(
            f"{done} trainees' facts worked out and remembered in {time.perf_counter() - started:.1f} s."
        )
