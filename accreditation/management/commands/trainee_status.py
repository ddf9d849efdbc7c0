import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accreditation import facts as facts_module
from accreditation.selectors import evaluate_schemes, schemes_with_rules
from accreditation.serialise import status_document
from trainees.models import Enrolment


class Command(BaseCommand):
    help = (
        "Print a trainee's training days, competences, supervision, caseload and readiness for each scheme "
        "as one JSON object (format in the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scheme", help="Check only this scheme (any scheme, applicable or not).")
        parser.add_argument("--as-of", dest="as_of", help="The date to check on, YYYY-MM-DD (default today).")
        parser.add_argument("--json", action="store_true", help="Print JSON (the only format).")

    def handle(self, username, scheme=None, as_of=None, json=False, **options):
        try:
            on = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--as-of must be a date like 2027-03-15, not {as_of!r}.") from error
        enrolment = (
            Enrolment.objects.with_people().filter(user__username=username).order_by("-start_date").first()
        )
        if enrolment is None:
            raise CommandError(f"No trainee with the username {username!r}.")
        schemes = schemes_with_rules()
        route_code = enrolment.route.code
        if scheme:
            schemes = [s for s in schemes if s.code == scheme]
            if not schemes:
                raise CommandError(f"No scheme with the code {scheme!r}.")
            route_code = None  # an explicitly named scheme is checked whatever the route
        facts = facts_module.gather_facts_for([enrolment], as_of=on)[enrolment.pk]
        found = evaluate_schemes(facts, schemes, on, route_code=route_code)
        results = [r for s in found for r in (s.result, s.renewal) if r is not None]
        document = status_document(facts, results)
        self.stdout.write(_dumps(document))


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)
