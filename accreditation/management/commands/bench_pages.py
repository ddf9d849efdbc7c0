"""Measure every main page against a trivial page of the same stack, in one run, as each persona.

Each persona is signed in through Django's test client, so every request goes through the whole middleware
stack (sessions, authentication, CSP, axes), the URL resolver, the view and the templates, as under gunicorn
but without the network. Each page is requested in turn with a trivial view (a signed-in page that renders one
line through the same base template machinery), so drift of this shared machine affects both alike; the ratio
of the medians is the figure to read.
"""

import cProfile
import io
import json
import pstats
import statistics
import time
from dataclasses import dataclass

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from accounts.models import OrganisationMembership, User
from accounts.services import SESSION_MUST_SET_UP_SECOND_FACTOR, SESSION_NEEDS_SECOND_FACTOR
from accreditation.models import VisitAssignment
from accreditation.portfolio import cache
from curriculum.models import Cohort
from trainees.models import Enrolment, EnrolmentFacts, SupervisorAssignment


def trivial(request):
    """The yardstick: signed in, through every middleware, no domain work."""
    return HttpResponse(f"<!doctype html><title>ok</title><p>{request.user.get_username()}</p>")


urlpatterns = [path("__bench__/trivial/", trivial, name="bench_trivial"), path("", include("config.urls"))]


@dataclass
class Page:
    name: str
    scope: str  # cohort, trainee, portfolio-first or portfolio-repeat
    user: User
    url: str
    before: object = (
        None  # called before each timed request (the portfolio's first request forgets its cache)
    )
    setup: object = None  # called once before the page is measured (the repeat's PDF is rendered first)


class Command(BaseCommand):
    help = "Time every main page as each persona against a trivial view: median ms, ratio and queries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohort", default="nv-cohort-40", help="the cohort to measure (default nv-cohort-40)"
        )
        parser.add_argument("--runs", type=int, default=7, help="timed requests of each page (median)")
        parser.add_argument("--json", action="store_true", help="print one JSON list instead of a table")
        parser.add_argument("--only", nargs="*", help="measure only pages whose name contains one of these")
        parser.add_argument(
            "--forget",
            action="store_true",
            help="forget every trainee's remembered facts before each timed request: the first view of a "
            "page after records changed (by default the pages are measured as seen again, facts remembered)",
        )
        parser.add_argument(
            "--load",
            type=int,
            default=0,
            metavar="USERS",
            help="also run a bounded load test: USERS concurrent signed-in users on two gunicorn workers on "
            "127.0.0.1, each asking for the trainee page and the cohort page (loopback only)",
        )
        parser.add_argument(
            "--load-requests", type=int, default=4, help="requests per user and page (load test)"
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="LINES",
            help="after timing each page, profile one more request of it (cProfile) and print the LINES "
            "functions with the most time of their own, on standard error",
        )

    def handle(
        self,
        *args,
        cohort,
        runs,
        json: bool,
        only=None,
        load=0,
        load_requests=4,
        profile=0,
        forget=False,
        **options,
    ):
        self.profile_lines = profile
        self.forget = forget
        _static_files_ready()
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"]):
            results = self._measure(cohort, runs, only) if runs else []
            pages = self._pages(cohort) if load else []
        if load:
            from accreditation.loadtest import run_load_test

            by_name = {page.name: page for page in pages}
            for name in ("trainee page", "cohort page"):
                page = by_name[name]
                figures = run_load_test(page.user, page.url, users=load, requests_per_user=load_requests)
                self.stderr.write(
                    f"load test, {name}: {figures['users']} users on 2 gunicorn workers, "
                    f"{figures['requests']} requests in {figures['seconds']:.1f} s: "
                    f"{figures['per_second']:.1f} a second, median "
                    f"{figures['median_ms']:.0f} ms, 95th percentile {figures['p95_ms']:.0f} ms, "
                    f"{figures['errors']} errors"
                )
        if json:
            self.stdout.write(_json(results))
            return
        self.stdout.write(f"{'page':<44} {'scope':<17} {'median ms':>9} {'× trivial':>9} {'queries':>7}")
        for row in results:
            self.stdout.write(
                f"{row['page']:<44} {row['scope']:<17} {row['median_ms']:>9.1f} {row['ratio']:>9.1f} "
                f"{row['queries']:>7}"
            )

    def _measure(self, code: str, runs: int, only) -> list[dict]:
        pages = self._pages(code)
        if only:
            pages = [p for p in pages if any(word in p.name for word in only)]
        if self.forget:
            for page in pages:
                if page.before is None:
                    page.before = _forget_facts
        results = []
        clients: dict[int, Client] = {}
        for page in pages:
            client = clients.get(page.user.pk)
            if client is None:
                client = clients[page.user.pk] = _signed_in(page.user)
            trivial_url = reverse("bench_trivial")
            if page.setup:
                page.setup()
            # Warm up both: imports, templates and the connection, as a running server would have them.
            for url in (trivial_url, page.url):
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{page.name}: {url} answered {response.status_code}")
            page_times, trivial_times = [], []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(trivial_url)
                trivial_times.append(time.perf_counter() - started)
                if page.before:
                    page.before()
                started = time.perf_counter()
                client.get(page.url)
                page_times.append(time.perf_counter() - started)
            if page.before:
                page.before()
            with CaptureQueriesContext(connection) as queries:
                client.get(page.url)
            query_count = len(queries)  # read now: the next request empties the connection's query log
            if self.profile_lines:
                self._profile(page, client)
            page_ms, trivial_ms = (
                statistics.median(page_times) * 1000,
                statistics.median(trivial_times) * 1000,
            )
            results.append(
                {
                    "page": page.name,
                    "scope": page.scope,
                    "median_ms": round(page_ms, 1),
                    "ratio": round(page_ms / trivial_ms, 1),
                    "queries": query_count,
                    "trivial_ms": round(trivial_ms, 2),
                }
            )
        return results

    def _profile(self, page: Page, client: Client) -> None:
        """Where one request of the page spends its time, by the functions' own time (issue 20: profile one
        page at a time before changing anything)."""
        if page.before:
            page.before()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(page.url)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(self.profile_lines)
        self.stderr.write(f"--- profile of {page.name} ---\n{out.getvalue()}")

    def _pages(self, code: str) -> list[Page]:
        cohort = Cohort.objects.select_related("programme").filter(code=code).first()
        if cohort is None:
            raise CommandError(f"No cohort {code}: run seed_demo (and bench_national for national scale).")
        educator = cohort.educators.order_by("pk").first()
        if educator is None:
            raise CommandError(f"Cohort {code} has no educator.")
        enrolment = (
            Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
            .order_by("pk")
            .select_related("user")
        ).first()
        if enrolment is None:
            raise CommandError(f"Cohort {code} has no active trainee.")
        trainee = enrolment.user
        supervisor = (
            SupervisorAssignment.objects.filter(
                enrolment=enrolment, kind=SupervisorAssignment.Kind.CASE_MANAGEMENT
            )
            .select_related("supervisor")
            .first()
        )
        administrator = (
            OrganisationMembership.objects.filter(
                organisation_id=cohort.programme.hei_id, role=OrganisationMembership.Role.ADMINISTRATOR
            )
            .select_related("user")
            .first()
        )
        visit = (
            VisitAssignment.objects.filter(visit__programme=cohort.programme)
            .select_related("visit", "visitor")
            .first()
        )
        pk = enrolment.pk
        pages = [
            Page("home (educator)", "cohort", educator, reverse("home")),
            Page("cohort page", "cohort", educator, reverse("trainees:cohort", args=[code])),
            Page("competence grid", "cohort", educator, reverse("assessments:grid", args=[code])),
            Page(
                "cohort readiness", "cohort", educator, reverse("accreditation:cohort_readiness", args=[code])
            ),
            Page("marking queue", "cohort", educator, reverse("assessments:queue")),
            Page("home (trainee)", "trainee", trainee, reverse("home")),
            Page("trainee page", "trainee", educator, reverse("trainees:detail", args=[pk])),
            Page("attendance", "trainee", educator, reverse("trainees:attendance", args=[pk])),
            Page("supervision", "trainee", educator, reverse("trainees:supervision", args=[pk])),
            Page("caseload", "trainee", educator, reverse("trainees:caseload", args=[pk])),
        ]
        if supervisor is not None:
            pages.append(Page("supervisor home", "trainee", supervisor.supervisor, reverse("home")))
        if administrator is not None:
            pages.append(Page("home (administrator)", "cohort", administrator.user, reverse("home")))
            service = enrolment.employing_service
            if service is not None:
                pages.append(
                    Page(
                        "services",
                        "cohort",
                        administrator.user,
                        reverse("trainees:service", args=[service.code]),
                    )
                )
        if visit is not None:
            pages.append(Page("home (visitor)", "cohort", visit.visitor, reverse("home")))
            pages.append(
                Page("visit", "cohort", visit.visitor, reverse("portfolios:visit", args=[visit.visit_id]))
            )
        pdf = reverse("portfolios:trainee_pdf", args=[pk])
        today = timezone.localdate()

        def forget():
            cache.forget_renders(enrolment)

        def rendered():
            # The worker's part, done here once: the repeat is served from what it stored.
            fresh = Enrolment.objects.with_people().get(pk=pk)
            render = cache.find_render(cache.live_key(fresh, as_of=today))
            if render is None or render.status != render.Status.READY:
                cache.render_here(fresh, as_of=today)

        # A first request never renders: it queues the render and answers with the progress page (the
        # render's own time is bench_portfolio's "render in the worker").
        pages.append(
            Page("portfolio PDF, first (progress page)", "portfolio-first", trainee, pdf, before=forget)
        )
        pages.append(
            Page("portfolio PDF, unchanged repeat", "portfolio-repeat", trainee, pdf, setup=rendered)
        )
        return pages


def _forget_facts() -> None:
    EnrolmentFacts.objects.all().delete()


def _static_files_ready() -> None:
    """Without DEBUG the pages name their static files through the collected manifest: collect them once, as a
    deployment would, so the benchmark runs on a fresh checkout."""
    storage = staticfiles_storage
    if getattr(storage, "manifest_name", None) and not storage.exists(storage.manifest_name):
        call_command("collectstatic", interactive=False, verbosity=0)


def _signed_in(user) -> Client:
    """A client signed in as `user` past two-step verification, as they would be after entering their code:
    the benchmark measures the pages, not the sign-in (SECOND_FACTOR_REQUIRED_FOR need not be changed)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(SESSION_MUST_SET_UP_SECOND_FACTOR, None)
    session.pop(SESSION_NEEDS_SECOND_FACTOR, None)
    session.save()
    return client


def _json(results: list[dict]) -> str:
    return json.dumps(
        [{k: row[k] for k in ("page", "scope", "median_ms", "ratio", "queries")} for row in results]
    )
