"""Time the daily pass over a made-up world of N trainees (each with a supervisor and records waiting), in a
throw-away transaction: nothing stays in the database."""

import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation, User
from curriculum.models import Cohort, CurriculumEdition, Programme, ProgrammeMembership, Route
from notifications.models import Notification
from notifications.reference import load_notification_kinds
from notifications.services import BATCH_SIZE, run_daily_pass
from trainees.models import CpdActivity, Enrolment, SupervisorAssignment


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the daily notification pass for N trainees (default 10,000); changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=10_000)

    def handle(self, *args, **options):
        n = options["trainees"]
        try:
            with transaction.atomic():
                self._run(n)
                raise Rollback
        except Rollback:
            pass

    def _run(self, n):
        today = timezone.localdate()
        load_notification_kinds()
        edition = CurriculumEdition.objects.get(is_current=True)
        hei = Organisation.objects.create(
            name="Bench university", code="bench-hei", kind=Organisation.Kind.HEI
        )
        service = Organisation.objects.create(
            name="Bench service", code="bench-svc", kind=Organisation.Kind.SERVICE
        )
        programme = Programme.objects.create(
            code="bench",
            name="Bench programme",
            hei=hei,
            edition=edition,
            award=Programme.Award.PGCERT,
            level=7,
        )
        cohort = Cohort.objects.create(
            programme=programme,
            code="bench-1",
            name="Bench cohort",
            intake="Bench",
            start_date=today - timedelta(days=150),
        )
        route = Route.objects.filter(edition=edition).first()
        educator = User.objects.create(username="bench.educator", email="bench.educator@example.org")
        ProgrammeMembership.objects.create(programme=programme, user=educator)
        people = User.objects.bulk_create(
            [
                User(
                    username=f"bench.{i}",
                    first_name="Bench",
                    last_name=str(i),
                    email=f"bench.{i}@example.org",
                )
                for i in range(n + n // 10)
            ]
        )
        trainees, supervisors = people[:n], people[n:]
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user=u,
                    cohort=cohort,
                    route=route,
                    start_date=cohort.start_date,
                    employing_service=service,
                    band=4,
                )
                for u in trainees
            ]
        )
        SupervisorAssignment.objects.bulk_create(
            [
                SupervisorAssignment(
                    enrolment=e,
                    supervisor=supervisors[i % len(supervisors)],
                    kind=SupervisorAssignment.Kind.CASE_MANAGEMENT,
                    starts_on=e.start_date,
                )
                for i, e in enumerate(enrolments)
            ]
        )
        CpdActivity.objects.bulk_create(
            [
                CpdActivity(
                    enrolment=e,
                    date=today - timedelta(days=1),
                    title="Bench workshop",
                    hours=Decimal("1"),
                    recorded_by=e.user,
                )
                for e in enrolments
            ]
        )
        self.stdout.write(f"{n} trainees, {len(supervisors)} supervisors; batches of {BATCH_SIZE}.")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run_daily_pass(on=today, email=False)
            elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Daily pass: {elapsed:.1f} s, {len(queries)} queries in {result.batches} batches "
            f"({len(queries) / max(result.batches, 1):.0f} a batch), {result.created} notifications "
            f"({Notification.objects.count()} stored)."
        )
