from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import DomainError, record_event
from accreditation.portfolio.cache import portfolio_pdf
from accreditation.portfolio.commands import enrolment_for_username
from accreditation.portfolio.data import portfolio_data


class Command(BaseCommand):
    help = "Write a trainee's portfolio PDF (the same document as the download on the trainee page)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--scheme", help="Scheme code (default: course-completion, or cpd-route on that route)"
        )
        parser.add_argument("--cohort", help="Cohort code, when the person has more than one enrolment")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="Date of the records, YYYY-MM-DD (default today)"
        )
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write")

    def handle(self, *args, username, scheme=None, cohort=None, as_of=None, output, **options):
        enrolment = enrolment_for_username(username, cohort)
        try:
            data = portfolio_data(enrolment, scheme_code=scheme, as_of=as_of or timezone.localdate())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        result = portfolio_pdf(data)
        Path(output).write_bytes(result.pdf)
        record_event(
            actor=None,
            action="portfolio.downloaded",
            obj=enrolment,
            message="render_portfolio command",
            after={
                "scheme": data["scheme"]["code"],
                "cache": "hit" if result.hit else "miss",
                "key": result.key,
            },
        )
        self.stdout.write(
            f"Wrote {output} ({len(result.pdf):,} bytes, {'from the cache' if result.hit else 'rendered'}) "
            f"for {data['trainee']['name']}, scheme {data['scheme']['code']}."
        )
