"""The suppressed reports are kept in the one cache until a workforce write commits (`report_cache`)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.workforce.factories import staff_service
from workforce import report_cache, reports, services
from workforce.models import Application, Post, Recruitment
from workforce.reference import load_workforce_rules

AS_OF = date(2025, 1, 15)


@pytest.fixture
def world(db):
    service, _, _ = staff_service(6)
    actor = f.UserFactory()
    return service, actor


def cached_entry(service):
    return report_cache.key(service.pk, AS_OF, report_cache.generation())


def test_a_second_look_is_served_from_the_cache(world, django_capture_on_commit_callbacks):
    service, _ = world
    first = reports.service_report(service, AS_OF)
    with CaptureQueriesContext(connection) as ctx:
        again = reports.service_report(service, AS_OF)
    assert len(ctx.captured_queries) == 0  # the test cache is this process's memory
    assert again["retention"].tables == first["retention"].tables
    # Another date is another entry.
    assert reports.service_report(service, date(2024, 1, 15)) is not None


def test_an_uncommitted_write_leaves_the_cache_alone_until_it_commits(
    world, django_capture_on_commit_callbacks
):
    service, actor = world
    reports.service_report(service, AS_OF)
    before = report_cache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_staffing(actor=actor, service=service, counted_on=AS_OF, high_intensity_headcount=9)
    assert report_cache.generation() == before
    for callback in callbacks:
        callback()
    assert report_cache.generation() != before


def test_the_generation_starts_again_from_the_clock_when_the_cache_lost_it(world):
    from django.core.cache import cache

    first = report_cache.generation()
    cache.delete(report_cache.GENERATION_KEY)
    assert report_cache.generation() > first


def _post(service, actor):
    practitioner = Post.objects.filter(service=service).first().practitioner
    services.record_post(
        actor=actor, practitioner=practitioner, service=service, job_title="PWP", band=6, starts_on=AS_OF
    )


def _correction(service, actor):
    post = Post.objects.filter(service=service).first()
    correction = services.suggest_correction(
        user=post.practitioner.user, service=service, message="My start date is wrong", post=post
    )
    services.decide_correction(actor=actor, correction=correction, accept=False, note="Checked")


def _diversity(service, actor):
    services.save_diversity_answers(
        user=Post.objects.filter(service=service).first().practitioner.user, sex="male"
    )


def _staffing(service, actor):
    services.record_staffing(actor=actor, service=service, counted_on=AS_OF, high_intensity_headcount=12)


def _application(service, actor):
    services.record_application(
        actor=actor, recruitment=Recruitment.objects.get(service=service), reference="NEW-1"
    )


def _outcome(service, actor):
    application = Application.objects.filter(recruitment__service=service).first()
    services.set_application_outcome(actor=actor, application=application, outcome="withdrawn", on=AS_OF)


def _eligibility_rules(service, actor):
    load_workforce_rules()


@pytest.mark.parametrize(
    "write", [_post, _correction, _diversity, _staffing, _application, _outcome, _eligibility_rules]
)
def test_each_kind_of_workforce_write_makes_the_cached_reports_stale(
    world, write, django_capture_on_commit_callbacks
):
    service, actor = world
    reports.service_report(service, AS_OF)
    stale = cached_entry(service)
    with django_capture_on_commit_callbacks(execute=True):
        write(service, actor)
    assert cached_entry(service) != stale  # the old entry can no longer be reached


def test_a_page_after_a_write_shows_the_new_figures(world, django_capture_on_commit_callbacks):
    service, actor = world
    assert reports.service_report(service, AS_OF)["staffing"].balance.counted_on is None
    with django_capture_on_commit_callbacks(execute=True):
        _staffing(service, actor)
    assert reports.service_report(service, AS_OF)["staffing"].balance.counted_on == AS_OF


def test_a_cached_report_page_costs_fewer_queries(world, client):
    service, _ = world
    admin = f.UserFactory()
    f.AdministratorFactory(user=admin, organisation=service)
    client.force_login(admin)
    counts = []
    for name in ("retention", "staffing"):  # the second page reads what the first one worked out
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"workforce:{name}", args=[service.code])).status_code == 200
        counts.append(len(ctx.captured_queries))
    # The cached page skips the report's 8 queries: session and user, access check, audit event remain.
    assert counts == [17, 9]


def test_a_row_saved_or_deleted_outside_the_services_makes_them_stale_too(
    world, django_capture_on_commit_callbacks
):
    # As the Django admin saves a criterion of a rule set: the hook sees every saved or deleted workforce row.
    from workforce.models import EligibilityCriterion

    service, _ = world
    with django_capture_on_commit_callbacks(execute=True):
        load_workforce_rules()
    for write in (lambda c: c.save(), lambda c: c.delete()):
        reports.service_report(service, AS_OF)
        stale = cached_entry(service)
        with django_capture_on_commit_callbacks(execute=True):
            write(EligibilityCriterion.objects.first())
        assert cached_entry(service) != stale
