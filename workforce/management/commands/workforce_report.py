"""Print every figure of a service's workforce reports, already suppressed (README: Careers and workforce)."""

import json as _json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organisation
from accounts.services import record_event
from workforce import reports


class Command(BaseCommand):
    help = "Print a service's retention, turnover, staffing and diversity figures (small numbers suppressed)."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help="The service's code.")
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--json", action="store_true", help="Print JSON (the shape the README documents)."
        )

    def handle(self, *args, service, as_of=None, json=False, **options):
        organisation = Organisation.objects.filter(code=service, kind=Organisation.Kind.SERVICE).first()
        if organisation is None:
            raise CommandError(f"No service with the code {service!r}.")
        as_of = as_of or timezone.localdate()
        figures = reports.as_json(organisation, as_of, reports.service_report(organisation, as_of))
        record_event(
            actor=None,
            action="workforce.report_exported",
            obj=organisation,
            message=f"all reports as of {as_of.isoformat()} (command)",
        )
        if json:
            self.stdout.write(_json.dumps(figures, indent=2))
            return
        self.stdout.write(
            f"{organisation.name}: workforce figures on {as_of:%d %B %Y} (small numbers hidden)"
        )
        for table in figures["retention"]:
            self.stdout.write(f"Retention at {table['months']} months: {len(table['rows'])} cohorts")
        for year in figures["turnover"]:
            self.stdout.write(f"Turnover {year['year']}: {year['rate_percent']}")
        for site in figures["staffing"]["sites"]:
            flag = {None: "not a site", True: "below 1:2", False: "meets 1:2"}[site["below_ratio"]]
            self.stdout.write(f"Site {site['site']}: {flag}")
