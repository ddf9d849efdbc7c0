"""Workforce reports: the definitions, suppression in every output, and query counts that do not grow."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.workforce.factories import PostFactory, PractitionerFactory, staff_service
from workforce import reports
from workforce.suppression import HIDDEN

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 1, 15)


def run_all(service):
    data = reports.load_posts(service, AS_OF)
    return (
        reports.retention(data),
        reports.turnover(data),
        reports.staffing(data),
        reports.diversity(data),
    )


def test_retention_counts_who_is_still_here_and_where_the_others_went():
    service, _, _ = staff_service(50)  # every fifth person left for high-intensity training after a year
    tables = dict(reports.retention(reports.load_posts(service, AS_OF)).tables)
    assert tables[6].row_labels == ("Cohort of 2021",)
    assert tables[6].cells[0][0].count == 50 and tables[6].cells[0][0].percent == 100.0
    # They left on 31 August 2023, the day before the 12-month checkpoint.
    for months in (12, 24):
        still, hit = tables[months].cells[0][0], tables[months].cells[0][1]
        assert (still.count, still.percent) == (40, 80.0)
        assert (hit.count, hit.percent) == (10, 20.0)


def test_a_small_number_of_leavers_is_hidden_and_so_is_what_would_reveal_it():
    service, _, _ = staff_service(20)  # 4 leavers
    table = dict(reports.retention(reports.load_posts(service, AS_OF)).tables)[24]
    assert table.cells[0][1].hidden
    # One cohort: the row total is the cohort size, so the "still here" count must go too.
    assert table.cells[0][0].hidden and table.cells[0][0].percent is None


def test_turnover_is_leavers_over_average_headcount():
    service, _, _ = staff_service(20)
    years = {y.year: y for y in reports.turnover(reports.load_posts(service, AS_OF))}
    assert years[2023].headcount_start.count == 20 and years[2023].headcount_end.count == 16
    assert years[2023].leavers.count is None  # 4 leavers: fewer than 5, so hidden, and the rate with it
    assert years[2023].rate is None
    service, _, _ = staff_service(50, service=f.ServiceFactory())
    years = {y.year: y for y in reports.turnover(reports.load_posts(service, AS_OF))}
    assert years[2023].leavers.count == 10
    assert years[2023].rate == pytest.approx(100 * 10 / 45, abs=0.1)


def test_the_staffing_ratio_comes_from_the_posts_on_the_date_and_flags_a_site_below_1_to_2():
    service, site, _ = staff_service(7)  # 2 leavers, 5 still qualified at the site
    for _ in range(13):
        PostFactory(service=service, site=site, band=4, starts_on=date(2024, 9, 1))
    staffing = reports.staffing(reports.load_posts(service, AS_OF))
    row = next(s for s in staffing.sites if s.name == "Main site")
    assert row.trainees.count == 13 and row.qualified.count == 5
    assert row.below and row.source == "post history"
    earlier = reports.staffing(reports.load_posts(service, date(2023, 1, 1)))
    assert not next(s for s in earlier.sites if s.name == "Main site").below


def test_diversity_counts_people_by_answer_with_small_groups_hidden():
    service, _, _ = staff_service(20)
    report = reports.diversity(reports.load_posts(service, AS_OF))
    sex = dict(report.tables)["Sex"]
    qualified = sex.row_labels.index("Qualified PWPs (band 5)")
    # 16 in post: 12 women, 4 men (every fourth person); 4 is hidden and so is another cell beside it.
    assert sex.row_totals[qualified].count == 16 or sex.row_totals[qualified].hidden
    assert sex.cells[qualified][1].hidden


def test_the_command_prints_every_figure_already_suppressed():
    service, _, _ = staff_service(12)
    out = StringIO()
    call_command(
        "workforce_report", "--service", service.code, "--as-of", AS_OF.isoformat(), "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert set(data) >= {"service", "as_of", "retention", "turnover", "staffing", "diversity"}
    text = out.getvalue()
    for n in (1, 2, 3, 4):
        assert f'"count": {n},' not in text and f'"count": {n}}}' not in text
    assert HIDDEN not in text  # JSON says null and suppressed: true, not words


def test_each_report_costs_the_same_queries_for_10_and_1000_practitioners(django_assert_num_queries):
    small, _, _ = staff_service(10)
    large, _, _ = staff_service(1000, service=f.ServiceFactory())
    # Every report is suppressed with all the others (so no page can be differenced with another), so each
    # costs the same: posts, recruitment rounds, applications and their outcomes on the date (4); the
    # supervision rules, the sites and the high-intensity count (3); the diversity answers (1).
    for name in reports.REPORT_NAMES:
        queries = 8
        for service in (small, large):
            with django_assert_num_queries(queries):
                getattr(reports, name)(reports.load_posts(service, AS_OF))


def test_a_person_who_qualified_elsewhere_is_not_in_this_services_retention():
    service, _, _ = staff_service(6)
    outsider = PractitionerFactory(qualified_on=date(2022, 9, 1))
    PostFactory(practitioner=outsider, service=service, starts_on=date(2023, 6, 1))
    retention = dict(reports.retention(reports.load_posts(service, AS_OF)).tables)
    assert retention[6].total.count == 6


def test_queries_do_not_touch_user_names_for_diversity():
    service, _, _ = staff_service(10)
    with CaptureQueriesContext(connection) as ctx:
        reports.diversity(reports.load_posts(service, AS_OF))
    assert not any("first_name" in q["sql"] or "username" in q["sql"] for q in ctx.captured_queries)


def test_each_report_page_costs_the_same_queries_for_10_and_1000_practitioners(client):
    from django.urls import reverse

    admin = f.UserFactory()
    small, _, _ = staff_service(10)
    large, _, _ = staff_service(1000, service=f.ServiceFactory())
    for service in (small, large):
        f.AdministratorFactory(user=admin, organisation=service)
    client.force_login(admin)
    # Each report page: the session and user, the access check, the report's 8 queries and its audit event.
    pinned = dict.fromkeys(reports.REPORT_NAMES, 17) | {"recruitment": 9, "people": 9, "decisions": 10}
    for name in pinned:
        counts = []
        for service in (small, large):
            cache.clear()  # the page as it is first worked out (a cached one: test_report_cache.py)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(f"workforce:{name}", args=[service.code])).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts == [pinned[name]] * 2, (name, counts)
