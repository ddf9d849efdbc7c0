import gc
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accreditation.portfolio import cache
from accreditation.portfolio.commands import enrolment_for_username
from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.render import html_document, render_portfolio_html
from trainees.models import Enrolment


def _reference_loop() -> float:
    """A fixed piece of pure-Python work, to say how fast this shared machine is running at the moment."""
    started = time.perf_counter()
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return time.perf_counter() - started


class Command(BaseCommand):
    help = (
        "Time a portfolio's render (what the worker does) and an unchanged repeat download through the real "
        "view (what a person waits for), with the repeat's query count, against a trivial view."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scheme")
        parser.add_argument("--cohort")
        parser.add_argument(
            "--runs", type=int, default=5, help="Cold renders and cached repeats to time (median)"
        )

    def handle(self, *args, username, scheme=None, cohort=None, runs=5, **options):
        found = enrolment_for_username(username, cohort)
        enrolment = Enrolment.objects.with_people().get(pk=found.pk)
        today = timezone.localdate()
        scheme_code = scheme or ""

        data = portfolio_data(enrolment, scheme_code=scheme, as_of=today)  # warm up, as a server would be
        with CaptureQueriesContext(connection) as queries:
            portfolio_data(enrolment, scheme_code=scheme, as_of=today)
        reset_queries()
        pages = len(html_document(render_portfolio_html(data)).render().pages)

        # The worker's side: gather the data and render the PDF. Each timed run starts from a clean heap: a
        # render leaves ~100,000 objects in reference cycles (the layout tree); freeing them is timed apart.
        cold, freeing = [], []
        render = None
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            render = cache.render_here(enrolment, scheme_code=scheme_code, as_of=today)
            cold.append(time.perf_counter() - started)
            if render.status != render.Status.READY:
                raise CommandError(f"The render did not finish: {render.get_status_display()} {render.error}")
            started = time.perf_counter()
            gc.collect()
            freeing.append(time.perf_counter() - started)

        # The person's side: an unchanged repeat through the whole stack (sessions, access, the view).
        url = reverse("portfolios:trainee_pdf", args=[enrolment.pk]) + (f"?scheme={scheme}" if scheme else "")
        with override_settings(
            ROOT_URLCONF="accreditation.management.commands.bench_pages", ALLOWED_HOSTS=["*"]
        ):
            client = Client()
            client.force_login(enrolment.user)
            trivial = reverse("bench_trivial")

            def get(path) -> int:
                response = client.get(path)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
                body = b"".join(response.streaming_content) if response.streaming else response.content
                return len(body)

            size = get(url)
            get(trivial)
            warm, trivial_times = [], []
            for _ in range(runs):
                started = time.perf_counter()
                get(trivial)
                trivial_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                get(url)
                warm.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as repeat_queries:
                get(url)
            with CaptureQueriesContext(connection) as trivial_queries:
                get(trivial)

        first, repeat = statistics.median(cold), statistics.median(warm)
        yardstick = statistics.median(trivial_times)
        reference = statistics.median(_reference_loop() for _ in range(runs))
        self.stdout.write(
            f"Portfolio of {data['trainee']['name']} ({data['scheme']['code']}): "
            f"{size:,} bytes, {pages} pages, {len(queries)} queries to gather the data"
        )
        self.stdout.write(f"render in the worker (median of {runs}): {first * 1000:8.1f} ms")
        self.stdout.write(
            f"freeing a render's objects afterwards:   {statistics.median(freeing) * 1000:8.1f} ms"
        )
        self.stdout.write(
            f"unchanged repeat (median of {runs}):      {repeat * 1000:8.1f} ms, "
            f"{len(repeat_queries)} queries"
        )
        self.stdout.write(
            f"trivial view (median of {runs}):          {yardstick * 1000:8.1f} ms, "
            f"{len(trivial_queries)} queries"
        )
        self.stdout.write(f"ratio repeat / trivial:                {repeat / yardstick:8.1f}x")
        self.stdout.write(f"ratio render / repeat:                 {first / repeat:8.1f}x")
        self.stdout.write(
            f"machine speed now: a fixed Python loop takes {reference * 1000:.0f} ms "
            f"(render = {first / reference:.1f} loops); compare runs by this, not by seconds"
        )
