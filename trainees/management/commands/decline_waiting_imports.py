"""python manage.py decline_waiting_imports [--days N]: run daily; safe to run twice."""

from django.core.management.base import BaseCommand

from trainees.caseload.services import decline_abandoned_imports


class Command(BaseCommand):
    help = (
        "Decline caseload uploads that have waited longer than --days (default 14) for someone to confirm "
        "that an implausible-looking file is right: their kept files are deleted and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help="How long an upload may wait (days).")

    def handle(self, *args, days: int, **options):
        declined = decline_abandoned_imports(older_than_days=days)
        self.stdout.write(f"{declined} waiting uploads declined.")
