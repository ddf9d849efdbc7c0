import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accreditation import facts as facts_module
from accreditation.engine import Stage
from accreditation.selectors import evaluate_schemes, schemes_with_rules
from accreditation.serialise import status_document
from core.dates import long_date
from trainees.models import Enrolment


class Command(BaseCommand):
    help = (
        "Print a trainee's training days, competences, supervision, caseload and readiness for each scheme: "
        "a short summary to read, or with --json one JSON object (format in the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scheme", help="Check only this scheme (any scheme, applicable or not).")
        parser.add_argument("--as-of", dest="as_of", help="The date to check on, YYYY-MM-DD (default today).")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print one JSON object, not the summary."
        )
        parser.add_argument(
            "--staff",
            action="store_true",
            help="Count marks not yet released too (for programme staff: never hand this to the trainee).",
        )

    def handle(self, username, scheme=None, as_of=None, as_json=False, staff=False, **options):
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
        # What the trainee may see, unless --staff: marks not yet released read as awaiting marking.
        facts = facts_module.gather_facts_for([enrolment], as_of=on, released_only=not staff)[enrolment.pk]
        found = evaluate_schemes(facts, schemes, on, route_code=route_code)
        results = [r for s in found for r in (s.result, s.renewal) if r is not None]
        document = status_document(facts, results)
        self.stdout.write(_dumps(document) if as_json else summary(document))


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def _words(code: str | None) -> str:
    return (code or "unknown").replace("_", " ")


def _hours(value) -> str:
    """At most one decimal, as the pages write hours: 575.1, 21, never 575.08."""
    return "not known" if value is None else f"{round(value, 1):g}"


def _day(iso: str) -> str:
    return long_date(date.fromisoformat(iso))


def summary(document: dict) -> str:
    """The status document as a few lines for a person at a terminal; built from the JSON so they agree."""
    trainee = document["trainee"]
    days = document["training_days"]
    competences = document["competences"]
    supervision = document["supervision"]
    caseload = document["caseload"]
    signed = sum(1 for c in competences if c["status"] == "signed")
    hours = supervision["hours"]
    lines = [
        f"{trainee['name']} ({trainee['username']}), {trainee['route_name']}, "
        f"{trainee['cohort_name']}, as of {_day(document['as_of'])}",
        f"Training days: university {days['university']['completed']} of {days['university']['required']}, "
        f"workplace {days['workplace']['completed']} of {days['workplace']['required']} "
        f"({_words(days['status'])}; the window ends {_day(days['window_end'])})",
        f"Competences: {signed} of {len(competences)} signed off",
        f"Supervision hours: case management {_hours(hours.get('case_management'))}, "
        f"clinical skills {_hours(hours.get('clinical_skills'))}, "
        f"management {_hours(hours.get('management'))} ({_words(supervision['status'])})",
        f"Caseload: {caseload['actual_patients_to_date']} patients seen, "
        f"{_hours(caseload['expected_patients_to_date'])} expected by now; "
        f"{_hours(caseload['contact_hours'])} hours of direct contact ({_words(caseload['status'])})",
    ]
    for scheme in document["schemes"]:
        verdict = "ready" if scheme["ready"] else "not ready"
        stage = Stage(scheme["stage"]).words
        lines.append(f"{scheme['name']}, {scheme['version']} rules, {stage}: {verdict}")
        lines.extend(f"  - {c['gap']}" for c in scheme["criteria"] if not c["met"] and c["gap"])
    return "\n".join(lines)
