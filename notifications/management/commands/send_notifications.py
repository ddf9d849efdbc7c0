from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import run_daily_pass


class Command(BaseCommand):
    help = (
        "The daily pass: create the notifications due on a date and send the e-mails due. Safe to run "
        "more than once a day and from more than one worker: nothing is created or sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be created; change nothing."
        )

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError("Give the date as YYYY-MM-DD.") from error
        result = run_daily_pass(on=on, dry_run=options["dry_run"])
        if options["dry_run"]:
            for due in result.due:
                self.stdout.write(f"would notify person {due.recipient_id}: {due.text} (due {due.due_on})")
            self.stdout.write(
                f"Dry run for {on}: {result.created} notifications and about {result.emails} e-mails "
                "would go."
            )
        else:
            self.stdout.write(f"{on}: {result.created} notifications created, {result.emails} e-mails sent.")
