"""Time every workforce page of a service for a user: median of N runs, and the queries of each (a benchmark,
not a test: timings drift on shared machines, so compare figures from one run)."""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workforce.models import Post

PAGES = ("service", "retention", "turnover", "staffing", "diversity", "decisions", "applicants")


class Command(BaseCommand):
    help = "Time each workforce page of a service (median of --runs), cold (cache emptied) and cached."

    def add_arguments(self, parser):
        parser.add_argument("--service", default="")
        parser.add_argument("--user", default="admin")
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, service, user, runs, **options):
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        code = (
            service or Post.objects.values_list("service__code", flat=True).order_by("service__code").first()
        )
        client = Client()
        client.force_login(get_user_model().objects.get(username=user))
        self.stdout.write(f"service {code}, user {user}, median of {runs}")
        self.stdout.write(f"{'page':<12} {'cold ms':>8} {'q':>4} {'cached ms':>10} {'q':>4}")
        for page in PAGES:
            url = reverse(f"workforce:{page}", args=[code])
            figures = []
            for mode in ("cold", "cached"):
                times, queries = [], 0
                for _ in range(runs):
                    if mode == "cold":
                        cache.clear()  # the cold page: nothing worked out yet
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                    queries = len(captured)
                figures += [statistics.median(times), queries]
            self.stdout.write(
                f"{page:<12} {figures[0]:>8.0f} {figures[1]:>4} {figures[2]:>10.0f} {figures[3]:>4}"
            )
        cache.close()
