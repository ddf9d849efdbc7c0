"""Visits: arranging them, choosing portfolios (by hand or sample), visitors' scope and window."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import DomainError
from accreditation.models import Visit, VisitPortfolio, VisitSample
from accreditation.portfolio.visits import (
    add_snapshots_to_visit,
    create_visit,
    draw_visit_sample,
    replay_sample,
    sample_snapshot_ids,
)
from tests import factories as f
from tests.accreditation.factories_portfolios import SnapshotFactory, VisitPortfolioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_visit(world):
    """A snapshot of the world's trainee, in the world's open visit."""
    snapshot = SnapshotFactory(enrolment=world.enrolment)
    VisitPortfolioFactory(visit=world.visit, snapshot=snapshot, added_by=world.user("admin"))
    return snapshot


def cohorts_with_snapshots(programme, sizes, prefix="sample"):
    """Cohorts on `programme` with the given numbers of trainees, each with one submitted snapshot."""
    snapshots = []
    for index, size in enumerate(sizes):
        cohort = f.CohortFactory(programme=programme, code=f"{prefix}-{index}")
        for _ in range(size):
            snapshots.append(SnapshotFactory(enrolment=f.EnrolmentFactory(cohort=cohort), store_file=False))
    return snapshots


# --- Arranging a visit ---------------------------------------------------------------------------------


def test_an_administrator_arranges_a_visit_with_visitors(client, world):
    client.force_login(world.user("admin"))
    today = timezone.localdate()
    response = client.post(
        reverse("portfolios:visit_create"),
        {
            "programme": world.programme.pk,
            "kind": Visit.Kind.INDIVIDUAL,
            "title": "Review of individual applications",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=14)).isoformat(),
            "visitor_usernames": "visitor\nother.visitor\n",
        },
    )
    visit = Visit.objects.get(title="Review of individual applications")
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:visit_manage", args=[visit.pk])
    assert set(visit.visitors.values_list("username", flat=True)) == {"visitor", "other.visitor"}
    assert AuditEvent.objects.filter(action="visit.created", object_id=str(visit.pk)).exists()


def test_the_visit_form_names_unknown_visitors_and_a_window_that_ends_first(client, world):
    client.force_login(world.user("admin"))
    today = timezone.localdate()
    response = client.post(
        reverse("portfolios:visit_create"),
        {
            "programme": world.programme.pk,
            "kind": Visit.Kind.PROGRAMME,
            "title": "Visit",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
            "visitor_usernames": "nobody.here",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no active person with the username nobody.here" in page
    assert "The visit must close on or after the day it opens" in page
    assert not Visit.objects.filter(title="Visit").exists()


def test_only_administrators_of_the_programme_arrange_visits(world):
    today = timezone.localdate()
    for persona in ("educator", "lead", "other_educator", "trainee"):
        with pytest.raises(DomainError, match="administrators"):
            create_visit(
                actor=world.user(persona),
                programme=world.programme,
                kind=Visit.Kind.PROGRAMME,
                title="x",
                starts_on=today,
                ends_on=today,
                visitors=[world.user("visitor")],
            )
    with pytest.raises(DomainError, match="trainee on this programme cannot visit"):
        create_visit(
            actor=world.user("admin"),
            programme=world.programme,
            kind=Visit.Kind.PROGRAMME,
            title="x",
            starts_on=today,
            ends_on=today,
            visitors=[world.user("other_trainee")],
        )


def test_portfolios_added_by_hand_must_come_from_the_visits_programme(world):
    own = SnapshotFactory(enrolment=world.enrolment)
    foreign = SnapshotFactory(enrolment=f.EnrolmentFactory(cohort=world.other_cohort))
    with pytest.raises(DomainError, match="own programme"):
        add_snapshots_to_visit(actor=world.user("admin"), visit=world.visit, snapshots=[own, foreign])
    links = add_snapshots_to_visit(actor=world.user("admin"), visit=world.visit, snapshots=[own])
    assert [link.snapshot for link in links] == [own]
    assert add_snapshots_to_visit(actor=world.user("admin"), visit=world.visit, snapshots=[own]) == []


def test_the_manage_page_adds_portfolios_by_hand(client, world):
    snapshot = SnapshotFactory(enrolment=world.enrolment)
    client.force_login(world.user("admin"))
    page = client.get(reverse("portfolios:visit_manage", args=[world.visit.pk])).content.decode()
    assert world.enrolment.user.display_name in page
    response = client.post(
        reverse("portfolios:visit_add", args=[world.visit.pk]), {"snapshots": [snapshot.pk]}
    )
    assert response.status_code == 302
    assert VisitPortfolio.objects.filter(visit=world.visit, snapshot=snapshot, sample=None).exists()


# --- Random samples --------------------------------------------------------------------------------


def test_a_sample_takes_n_per_cohort_and_can_be_repeated_from_its_seed(world):
    cohorts_with_snapshots(world.programme, [6, 4, 1])
    sample = draw_visit_sample(actor=world.user("admin"), visit=world.visit, per_cohort=2, seed=12345)
    chosen = VisitPortfolio.objects.filter(visit=world.visit).select_related("snapshot__enrolment__cohort")
    per_cohort = {}
    for link in chosen:
        per_cohort.setdefault(link.snapshot.enrolment.cohort.code, []).append(link.snapshot_id)
    assert {code: len(ids) for code, ids in per_cohort.items()} == {
        "sample-0": 2,
        "sample-1": 2,
        "sample-2": 1,
    }
    assert sample.seed == 12345
    assert sorted(sample.snapshot_ids) == sorted(link.snapshot_id for link in chosen)
    assert replay_sample(sample) == sample.snapshot_ids
    # Portfolios submitted after the draw do not change what the recorded draw picked.
    cohorts_with_snapshots(world.programme, [5], prefix="later")
    assert replay_sample(VisitSample.objects.get(pk=sample.pk)) == sample.snapshot_ids
    event = AuditEvent.objects.get(action="visit.sample_drawn")
    assert event.after["seed"] == 12345


def test_different_seeds_draw_differently_and_a_missing_seed_is_chosen_at_random(world):
    cohorts_with_snapshots(world.programme, [30])
    drawn_at = timezone.now()
    draws = {
        tuple(sample_snapshot_ids(world.visit, per_cohort=3, seed=seed, drawn_at=drawn_at))
        for seed in range(8)
    }
    assert len(draws) > 1
    first = draw_visit_sample(actor=world.user("admin"), visit=world.visit, per_cohort=1)
    second = draw_visit_sample(actor=world.user("admin"), visit=world.visit, per_cohort=1)
    assert first.seed != second.seed


def test_a_sample_of_a_programme_with_no_portfolios_is_refused(world):
    with pytest.raises(DomainError, match="No trainee on this programme has submitted"):
        draw_visit_sample(actor=world.user("admin"), visit=world.visit, per_cohort=2)
    assert not VisitSample.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_delete_a_recorded_sample(curriculum):
    from tests.world import build_world

    world = build_world()
    cohorts_with_snapshots(world.programme, [3])
    sample = draw_visit_sample(actor=world.user("admin"), visit=world.visit, per_cohort=1, seed=7)
    for attempt in (
        lambda: VisitSample.objects.filter(pk=sample.pk).update(seed=8),
        lambda: VisitSample.objects.filter(pk=sample.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert VisitSample.objects.get(pk=sample.pk).seed == 7


def test_the_manage_page_draws_a_sample(client, world):
    cohorts_with_snapshots(world.programme, [3, 3])
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("portfolios:visit_sample", args=[world.visit.pk]), {"per_cohort": 1, "seed": 99}
    )
    assert response.status_code == 302
    assert VisitPortfolio.objects.filter(visit=world.visit).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "with seed 99" in page
    bad = client.post(reverse("portfolios:visit_sample", args=[world.visit.pk]), {"per_cohort": 0})
    assert bad.status_code == 400


def test_a_sample_of_one_is_one_portfolio_not_one_portfolios(client, world):
    cohorts_with_snapshots(world.programme, [3])
    client.force_login(world.user("admin"))
    response = client.post(
        reverse("portfolios:visit_sample", args=[world.visit.pk]), {"per_cohort": 1, "seed": 5}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Drew 1 portfolio (1 per cohort) with seed 5." in page


# --- Visitors: only these portfolios, only in the window, only to read --------------------------------


def test_a_visitor_reads_the_visits_portfolios_and_every_look_is_logged(client, world, in_visit):
    client.force_login(world.user("visitor"))
    visit_page = client.get(reverse("portfolios:visit", args=[world.visit.pk])).content.decode()
    assert world.enrolment.user.display_name in visit_page
    view = client.get(reverse("portfolios:visit_portfolio", args=[world.visit.pk, in_visit.pk]))
    assert view.status_code == 200
    assert in_visit.verification_code in view.content.decode()
    download = client.get(reverse("portfolios:visit_portfolio_pdf", args=[world.visit.pk, in_visit.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    actions = list(
        AuditEvent.objects.filter(actor=world.user("visitor"), object_id=str(world.visit.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["visit.portfolio_viewed", "visit.portfolio_downloaded"]

    client.force_login(world.user("admin"))
    log = client.get(reverse("portfolios:visit_manage", args=[world.visit.pk])).content.decode()
    assert "Who looked at what" in log
    assert f"Opened the portfolio of {world.enrolment.user.display_name}" in log
    assert f"Downloaded the portfolio of {world.enrolment.user.display_name}" in log
    assert world.user("visitor").username in log


def test_a_visitor_sees_nothing_outside_the_visit(client, world, in_visit):
    not_in_visit = SnapshotFactory(enrolment=world.other_enrolment)
    client.force_login(world.user("visitor"))
    for url in (
        reverse("portfolios:visit_portfolio", args=[world.visit.pk, not_in_visit.pk]),
        reverse("portfolios:visit_portfolio_pdf", args=[world.visit.pk, not_in_visit.pk]),
        reverse("portfolios:snapshot", args=[in_visit.pk]),  # only through the visit
        reverse("portfolios:snapshot_pdf", args=[in_visit.pk]),
        reverse("portfolios:trainee_pdf", args=[world.enrolment.pk]),  # not the live records
        reverse("portfolios:visit_manage", args=[world.visit.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="access.refused", actor=world.user("visitor")).count() == 6


def test_a_visitor_sees_nothing_outside_the_window(client, world, in_visit):
    closed = world.closed_visit
    VisitPortfolioFactory(visit=closed, snapshot=in_visit, added_by=world.user("admin"))
    client.force_login(world.user("visitor_outside_window"))
    for url in (
        reverse("portfolios:visit", args=[closed.pk]),
        reverse("portfolios:visit_portfolio", args=[closed.pk, in_visit.pk]),
        reverse("portfolios:visit_portfolio_pdf", args=[closed.pk, in_visit.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # A visit that has not opened yet is closed too.
    today = timezone.localdate()
    Visit.objects.filter(pk=world.visit.pk).update(
        starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=5)
    )
    client.force_login(world.user("visitor"))
    assert (
        client.get(reverse("portfolios:visit_portfolio", args=[world.visit.pk, in_visit.pk])).status_code
        == 404
    )
    # ... and on its last day it is still open.
    Visit.objects.filter(pk=world.visit.pk).update(starts_on=today - timedelta(days=5), ends_on=today)
    assert (
        client.get(reverse("portfolios:visit_portfolio", args=[world.visit.pk, in_visit.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_visitors_cannot_use_unsafe_methods(client, world, in_visit, method):
    client.force_login(world.user("visitor"))
    for url in (
        reverse("portfolios:visit", args=[world.visit.pk]),
        reverse("portfolios:visit_portfolio", args=[world.visit.pk, in_visit.pk]),
        reverse("portfolios:visit_portfolio_pdf", args=[world.visit.pk, in_visit.pk]),
    ):
        assert getattr(client, method)(url).status_code == 405, url
    for url in (
        reverse("portfolios:visit_add", args=[world.visit.pk]),
        reverse("portfolios:visit_sample", args=[world.visit.pk]),
        reverse("portfolios:visit_pack_request", args=[world.visit.pk]),
    ):
        assert getattr(client, method)(url).status_code in (404, 405), url
    assert VisitPortfolio.objects.filter(visit=world.visit).count() == 1


def test_the_home_page_links_a_visitor_to_an_open_visit_only(client, world):
    client.force_login(world.user("visitor"))
    assert reverse("portfolios:visit", args=[world.visit.pk]) in client.get("/").content.decode()
    client.force_login(world.user("visitor_outside_window"))
    assert reverse("portfolios:visit", args=[world.closed_visit.pk]) not in client.get("/").content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_the_visitor_pages_cost_the_same_queries_for_10_and_200_portfolios(
    client, world, size, django_assert_num_queries
):
    admin = world.user("admin")
    for snapshot in cohorts_with_snapshots(world.programme, [size // 2, size - size // 2]):
        VisitPortfolio.objects.create(visit=world.visit, snapshot=snapshot, added_by=admin)
    client.force_login(world.user("visitor"))
    with django_assert_num_queries(9):  # +1 the header's unread notifications
        response = client.get(reverse("portfolios:visit", args=[world.visit.pk]))
    assert response.content.decode().count("/portfolios/") == size
    client.force_login(admin)
    with django_assert_num_queries(13):  # +1 the header's unread notifications
        response = client.get(reverse("portfolios:visit_manage", args=[world.visit.pk]))
    assert response.status_code == 200
