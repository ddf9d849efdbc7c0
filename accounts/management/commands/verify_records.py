"""Re-hash every signed record and check the audit trail's chain; the check to run after a restore."""

from django.core.management.base import BaseCommand, CommandError

from accounts.integrity import audit_trail_problems, seal_audit_trail
from accreditation.portfolio.integrity import snapshots_not_matching
from assessments.integrity import sign_offs_not_matching


class Command(BaseCommand):
    help = (
        "Check every sign-off and portfolio snapshot against its hashes and the audit trail against its "
        "seals. Exits with an error listing each record that no longer matches. --seal first appends a seal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal", action="store_true", help="Seal the audit events not yet sealed before checking."
        )

    def handle(self, *args, seal=False, **options):
        if seal:
            made = seal_audit_trail()
            if made:
                self.stdout.write(f"Sealed the audit trail up to event {made.last_event_id}.")
        problems = []
        for what, check in (
            ("sign-offs", sign_offs_not_matching),
            ("portfolio snapshots", snapshots_not_matching),
            ("sealed audit events", audit_trail_problems),
        ):
            checked, found = check()
            problems += found
            self.stdout.write(f"{checked} {what} checked, {len(found)} not matching.")
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} records no longer match. See the lines above.")
        self.stdout.write("Every record matches.")
