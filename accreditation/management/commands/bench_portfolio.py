import gc
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accreditation.portfolio import cache
from accreditation.portfolio.commands import enrolment_for_username
from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.render import html_document, render_portfolio_html


def _reference_loop() -> float:
    """A fixed piece of pure-Python work, to say how fast this shared machine is running at the moment."""
    started = time.perf_counter()
    total = 0
    for number in range(3_000_000):
        total += number % 7
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "Time a portfolio's first render and a cached repeat download, and print both and their ratio."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scheme")
        parser.add_argument("--cohort")
        parser.add_argument(
            "--runs", type=int, default=5, help="Cold renders and cached repeats to time (median)"
        )

    def handle(self, *args, username, scheme=None, cohort=None, runs=5, **options):
        enrolment = enrolment_for_username(username, cohort)
        today = timezone.localdate()

        def download():
            # What a download costs: gather the data, hash it, then read the cache or render.
            data = portfolio_data(enrolment, scheme_code=scheme, as_of=today)
            return data, cache.portfolio_pdf(data)

        data, _ = download()  # warm up imports, fonts and templates, as a running server would be
        with CaptureQueriesContext(connection) as queries:
            portfolio_data(enrolment, scheme_code=scheme, as_of=today)
        reset_queries()

        pages = len(html_document(render_portfolio_html(data)).render().pages)
        # Each timed run starts from a clean heap: a render leaves ~100,000 objects in reference cycles (the
        # layout tree), and without this each run would also pay for freeing the one before it. That cost
        # is real, so it is timed on its own and printed.
        cold, warm, freeing = [], [], []
        for _ in range(runs):
            cache.forget(data)
            gc.collect()
            started = time.perf_counter()
            data, result = download()
            cold.append(time.perf_counter() - started)
            assert not result.hit
            del result
            started = time.perf_counter()
            gc.collect()
            freeing.append(time.perf_counter() - started)
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            data, result = download()
            warm.append(time.perf_counter() - started)
            assert result.hit
        first, repeat = statistics.median(cold), statistics.median(warm)
        reference = statistics.median(_reference_loop() for _ in range(runs))
        self.stdout.write(
            f"Portfolio of {data['trainee']['name']} ({data['scheme']['code']}): "
            f"{len(result.pdf):,} bytes, {pages} pages, {len(queries)} queries to gather the data"
        )
        self.stdout.write(f"first render (median of {runs}):   {first * 1000:8.1f} ms")
        freed = statistics.median(freeing)
        self.stdout.write(f"freeing a render's objects afterwards: {freed * 1000:.1f} ms")
        self.stdout.write(f"cached repeat (median of {runs}):  {repeat * 1000:8.1f} ms")
        self.stdout.write(f"ratio first / repeat:           {first / repeat:8.1f}x")
        self.stdout.write(
            f"machine speed now: a fixed Python loop takes {reference * 1000:.0f} ms "
            f"(first render = {first / reference:.1f} loops); compare runs by this, not by seconds"
        )
