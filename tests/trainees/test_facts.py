"""Trainees' facts remembered between requests by records version (trainees/enrolment/facts.py).

That each kind of record, written through its service, changes what is remembered is proved section by section
by tests/accreditation/test_portfolio_live_cache.py: the portfolio's sections are read from these same facts.
"""

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.trainees.factories_caseload import CaseFactory, ContactFactory
from tests.trainees.pins import COHORT_PAGE_QUERIES, COHORT_PAGE_REMEMBERED
from trainees.caseload.selectors import caseload_figures_for
from trainees.caseload.services import record_contact
from trainees.enrolment import facts
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.versions import bump_records_version
from trainees.models import Enrolment, EnrolmentFacts

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AREA = Area("test-area")


class Counting:
    """A compute that says whom it was asked about."""

    def __init__(self):
        self.asked: list[list[int]] = []

    def __call__(self, enrolments):
        self.asked.append(sorted(e.pk for e in enrolments))
        return {e.pk: ("facts", e.pk, e.records_version) for e in enrolments}


def loaded(*enrolments):
    return list(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).order_by("pk"))


def a_contact(enrolment):
    """A trainee records an assessment contact, through the caseload's service (which bumps the version)."""
    return record_contact(
        actor=enrolment.user,
        enrolment=enrolment,
        case_reference="NV-000321",
        date=TODAY - timedelta(days=3),
        type="assessment",
        mode="telephone",
        minutes=45,
    )


def table_body(page: str) -> str:
    return page[page.index("<tbody") : page.index("</tbody>")]


def patients_seen(page: str) -> int:
    """The first row's "Patients (actual of expected)": the number seen."""
    return int(re.search(r'>(\d+) <span class="nhsuk-u-secondary-text-colour">of ', table_body(page))[1])


def test_what_is_remembered_is_read_in_one_query_without_working_anything_out(curriculum):
    first, second = f.EnrolmentFactory.create_batch(2)
    compute = Counting()
    worked_out = remember(AREA, loaded(first, second), params=(TODAY,), compute=compute)
    assert compute.asked == [sorted([first.pk, second.pk])]
    with CaptureQueriesContext(connection) as queries:
        again = remember(AREA, loaded(first, second), params=(TODAY,), compute=Counting())
    assert again == worked_out
    assert len(queries) == 2  # the enrolments and the remembered rows (`loaded` is one of them)


def test_only_the_trainees_whose_records_changed_are_worked_out_again(curriculum):
    first, second = f.EnrolmentFactory.create_batch(2)
    remember(AREA, loaded(first, second), params=(TODAY,), compute=Counting())
    bump_records_version(second)
    facts.forget_bumped()  # a later request
    compute = Counting()
    result = remember(AREA, loaded(first, second), params=(TODAY,), compute=compute)
    assert compute.asked == [[second.pk]]
    assert result[second.pk] == ("facts", second.pk, 1)


def test_another_day_or_other_parameters_work_the_facts_out_again(curriculum):
    enrolment = f.EnrolmentFactory()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=Counting())
    for params in ((TODAY + timedelta(days=1),), (TODAY, True)):
        compute = Counting()
        remember(AREA, loaded(enrolment), params=params, compute=compute)
        assert compute.asked == [[enrolment.pk]], params


def test_a_variant_is_kept_beside_the_first_kind_not_over_it(curriculum):
    enrolment = f.EnrolmentFactory()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=Counting())
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=Counting(), variant="other")
    compute = Counting()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute)
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute, variant="other")
    assert compute.asked == []
    assert EnrolmentFacts.objects.filter(enrolment=enrolment).count() == 2


def test_a_release_that_changes_the_code_works_everything_out_again(curriculum, monkeypatch):
    enrolment = f.EnrolmentFactory()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=Counting())
    monkeypatch.setattr(facts, "code_digest", lambda: "another-code")
    compute = Counting()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute)
    assert compute.asked == [[enrolment.pk]]
    assert EnrolmentFacts.objects.filter(enrolment=enrolment).count() == 1  # overwritten, not added


def test_the_digest_covers_the_templates_a_page_draws_its_remembered_parts_with():
    """A page remembers HTML it drew (the caseload overview): a release that changes a template forgets it."""
    names = {str(path) for path in facts.source_files()}
    assert any(name.endswith("templates/trainees/caseload/includes/overview.html") for name in names)
    assert any(name.endswith("templates/includes/caseload_chart.svg") for name in names)
    assert any(name.endswith("trainees/enrolment/facts.py") for name in names)


def test_facts_bumped_in_this_request_are_neither_read_nor_written(curriculum):
    """A view that writes a record and shows the page in the same request holds the enrolment with its old
    number: the facts remembered under that number are from before the write."""
    enrolment = f.EnrolmentFactory()
    held = loaded(enrolment)
    remember(AREA, held, params=(TODAY,), compute=Counting())
    bump_records_version(enrolment)
    compute = Counting()
    remember(AREA, held, params=(TODAY,), compute=compute)  # the old number, in the same request
    assert compute.asked == [[enrolment.pk]]
    assert EnrolmentFacts.objects.get(enrolment=enrolment).stamp.startswith("0|")  # not written again


def test_a_row_that_cannot_be_read_is_worked_out_again(curriculum):
    enrolment = f.EnrolmentFactory()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=Counting())
    EnrolmentFacts.objects.filter(enrolment=enrolment).update(data=b"not what was written")
    compute = Counting()
    assert remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute)[enrolment.pk][0] == "facts"
    assert compute.asked == [[enrolment.pk]]


def test_an_enrolment_loaded_without_its_version_is_not_remembered(curriculum, django_assert_num_queries):
    enrolment = f.EnrolmentFactory()
    partial = list(Enrolment.objects.filter(pk=enrolment.pk).only("pk", "start_date"))
    with django_assert_num_queries(0):  # no row read, none written, no version fetched
        remember(AREA, partial, params=(TODAY,), compute=lambda enrolments: {e.pk: 1 for e in enrolments})
    assert not EnrolmentFacts.objects.exists()


def test_switched_off_everything_is_worked_out_each_time(curriculum, settings):
    settings.REMEMBER_TRAINEE_FACTS = False
    enrolment = f.EnrolmentFactory()
    compute = Counting()
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute)
    remember(AREA, loaded(enrolment), params=(TODAY,), compute=compute)
    assert compute.asked == [[enrolment.pk]] * 2 and not EnrolmentFacts.objects.exists()


def test_remembered_caseload_figures_are_the_figures_worked_out(curriculum):
    enrolment = f.EnrolmentFactory(cohort__start_date=TODAY - timedelta(days=200))
    case = CaseFactory(enrolment=enrolment, opened_on=TODAY - timedelta(days=30))
    ContactFactory(case=case, date=TODAY - timedelta(days=20), minutes=50)
    worked_out = caseload_figures_for(Enrolment.objects.with_people().filter(pk=enrolment.pk), on=TODAY)
    remembered = caseload_figures_for(Enrolment.objects.with_people().filter(pk=enrolment.pk), on=TODAY)
    assert remembered == worked_out and remembered[enrolment.pk].actual_patients_to_date == 1


@pytest.mark.parametrize("size", [10, 200])
def test_the_cohort_page_seen_again_reads_its_trainees_facts_as_remembered(
    client, curriculum, size, django_assert_num_queries
):
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=200))
    trainees = f.EnrolmentFactory.create_batch(size, cohort=cohort)
    case = CaseFactory(enrolment=trainees[0], opened_on=TODAY - timedelta(days=30))
    ContactFactory(case=case, date=TODAY - timedelta(days=20))
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    url = reverse("trainees:cohort", args=[cohort.code]) + "?per_page=500"
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        first = client.get(url).content.decode()
    with django_assert_num_queries(COHORT_PAGE_REMEMBERED):
        again = client.get(url).content.decode()
    assert table_body(again) == table_body(first)  # the rest of the page holds a new form token
    assert EnrolmentFacts.objects.count() == 3 * size


def test_a_contact_recorded_through_its_service_shows_on_the_cohort_page_at_once(client, curriculum):
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=200))
    enrolment = f.EnrolmentFactory(cohort=cohort)
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    url = reverse("trainees:cohort", args=[cohort.code])
    assert patients_seen(client.get(url).content.decode()) == 0
    a_contact(enrolment)
    facts.forget_bumped()  # the next request
    assert patients_seen(client.get(url).content.decode()) == 1


def test_after_a_change_the_worker_works_out_what_the_cohort_page_shows(
    client, curriculum, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Records changed: the facts the cohort-wide pages show for today are worked out again in the background
    (tasks run at once under the test settings), so the next person to look reads them as remembered."""
    settings.REMEMBER_AHEAD = True
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=200))
    enrolment = f.EnrolmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        a_contact(enrolment)
    slots = set(EnrolmentFacts.objects.filter(enrolment=enrolment).values_list("slot", flat=True))
    assert {
        "training-days",
        "supervision",
        "caseload",
        "readiness",
        "attention",
        "competence-statuses",
    } <= slots
    facts.forget_bumped()  # the next request
    client.force_login(f.ProgrammeMembershipFactory(programme=cohort.programme).user)
    with django_assert_num_queries(COHORT_PAGE_REMEMBERED):
        page = client.get(reverse("trainees:cohort", args=[cohort.code])).content.decode()
    assert patients_seen(page) == 1


def test_a_change_to_more_trainees_than_the_limit_is_left_to_the_pages(curriculum, settings):
    settings.REMEMBER_AHEAD, settings.REMEMBER_AHEAD_MAX = True, 2
    trainees = f.EnrolmentFactory.create_batch(3)
    facts.remember_ahead([e.pk for e in trainees])
    assert not EnrolmentFacts.objects.exists()
    facts.remember_ahead([e.pk for e in trainees[:2]])
    assert EnrolmentFacts.objects.filter(slot="caseload").count() == 2


def test_an_area_that_fails_ahead_leaves_the_others_done(curriculum, monkeypatch, caplog):
    enrolment = f.EnrolmentFactory()

    def broken(enrolments, today):
        raise RuntimeError("broken")

    monkeypatch.setattr(facts, "_warmers", [broken, *facts._warmers])
    assert facts.warm([enrolment.pk]) == 1
    assert EnrolmentFacts.objects.filter(enrolment=enrolment, slot="caseload").exists()
    assert "Could not work out broken ahead" in caplog.text


def test_the_daily_command_works_out_every_trainee_not_withdrawn_and_a_second_run_reuses_it(
    curriculum, django_assert_num_queries
):
    from django.core.management import call_command

    active = f.EnrolmentFactory.create_batch(3)
    withdrawn = f.EnrolmentFactory(status=Enrolment.Status.WITHDRAWN)
    out = io.StringIO()
    call_command("remember_facts", "--batch", "2", stdout=out)
    assert "3 trainees' facts worked out" in out.getvalue()
    assert {e.pk for e in active} == set(
        EnrolmentFacts.objects.filter(slot="readiness").values_list("enrolment_id", flat=True)
    )
    assert not EnrolmentFacts.objects.filter(enrolment=withdrawn).exists()
    facts.forget_bumped()
    # Everything remembered: per batch the enrolments and one read for each of the six kinds asked (the
    # cohort page's three, readiness, the attention reasons, the grid's statuses), nothing worked out.
    with django_assert_num_queries(1 + 2 * (1 + 6)):
        call_command("remember_facts", "--batch", "2", stdout=io.StringIO())
