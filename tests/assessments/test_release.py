"""Marks before their release date: nothing a trainee can see reveals an outcome that is not yet released.

One place decides "released as of this date" (`Attempt.is_released`, asked through
`assessments.selectors`); the readiness facts, the portfolio, `trainee_status` and the cohort workbook all
ask it. Staff still see the outcome, marked as not yet released.
"""

import json
import shutil
import subprocess
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import DomainError
from accreditation import facts as facts_module
from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.render import render_portfolio_pdf
from assessments import services
from assessments.models import Attempt
from tests.assessments import factories_assessments as fa
from tests.matrix import all_rows

pytestmark = pytest.mark.django_db

FEEDBACK = "Risk was not assessed."
# What would give an unreleased fail away, on a page, in the PDF or in the JSON.
SIGNS = ("Risk was not assessed", "(failed)", ">Failed<", '"failed"', "Failed", "not yet released")


def unreleased_fail(world, days=14):
    """An educator fails an attempt with a release date ahead and the lead agrees the fail."""
    fa.ensure_reference()
    fa.no_sampling(world.programme)
    attempt = fa.submit(world.enrolment)
    release_on = timezone.localdate() + timedelta(days=days)
    attempt = services.mark_attempt(
        actor=world.user("educator"),
        attempt=attempt,
        ratings=fa.ratings(attempt.component, 1),
        feedback=FEEDBACK,
        release_on=release_on,
    )
    attempt = services.moderate_attempt(actor=world.user("lead"), attempt=attempt, decision="agreed")
    assert attempt.status == Attempt.Status.AGREED and attempt.outcome == Attempt.Outcome.FAILED
    return attempt


def trainee_pages(world):
    """Every page the permission matrix lets the trainee open (GET answering 200)."""
    for name, row in sorted(all_rows().items()):
        if row.method == "get" and row.outcomes["trainee"] == 200:
            yield name, row


def signs_in(text: str) -> list[str]:
    return [sign for sign in SIGNS if sign in text]


def test_no_trainee_page_reveals_an_unreleased_fail(client, world):
    attempt = unreleased_fail(world)
    client.force_login(world.user("trainee"))
    leaks = {}
    opened = []
    pages = [(name, row.url, row.data) for name, row in trainee_pages(world)]
    pages.append(("the failed attempt", lambda w: reverse("assessments:attempt", args=[attempt.pk]), dict))
    for name, url, data in pages:
        # Each row builds what it needs in its own rolled-back savepoint; a row whose own records cannot
        # sit beside the failed attempt is left out (the attempt page is added above).
        with transaction.atomic():
            try:
                response = client.get(url(world), data(world) if data is not dict else {})
            except DomainError:
                transaction.set_rollback(True)
                continue
            transaction.set_rollback(True)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        opened.append(name)
        found = signs_in(response.content.decode())
        if found:
            leaks[name] = found
    assert len(opened) > 20 and "accreditation:trainee_readiness" in opened and "the failed attempt" in opened
    assert leaks == {}


def test_the_readiness_page_says_awaiting_marking_like_the_competences_page(client, world):
    unreleased_fail(world)
    client.force_login(world.user("trainee"))
    ready = client.get(reverse("accreditation:trainee_readiness", args=[world.enrolment.pk])).content.decode()
    assert "(failed)" not in ready
    competences = client.get(reverse("assessments:trainee", args=[world.enrolment.pk])).content.decode()
    assert "Awaiting marking" in competences


def test_staff_see_the_fail_marked_not_yet_released(client, world):
    attempt = unreleased_fail(world)
    client.force_login(world.user("educator"))
    page = client.get(reverse("assessments:trainee", args=[world.enrolment.pk])).content.decode()
    assert "Failed" in page
    assert f"not yet released (released on {attempt.release_on:%-d %B %Y})" in page.replace("\n", " ")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_portfolio_and_its_pdf_do_not_reveal_an_unreleased_fail(world, tmp_path):
    unreleased_fail(world)
    data = portfolio_data(world.enrolment, as_of=timezone.localdate())
    assert signs_in(json.dumps(data, default=str)) == []
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(render_portfolio_pdf(data))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Competences" in text
    assert signs_in(text) == []


def test_trainee_status_json_does_not_reveal_an_unreleased_fail(world):
    unreleased_fail(world)
    out = StringIO()
    call_command("trainee_status", world.user("trainee").username, "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert signs_in(out.getvalue()) == []
    assert {c["status"] for c in document["competences"]} <= {"not_started", "submitted"}
    staff = StringIO()
    call_command("trainee_status", world.user("trainee").username, "--json", "--staff", stdout=staff)
    assert '"failed"' in staff.getvalue()


def test_the_cohort_workbook_rows_do_not_reveal_an_unreleased_fail(world):
    from accreditation.selectors import cohort_entries

    unreleased_fail(world)
    entries, _codes = cohort_entries(world.enrolment.cohort, timezone.localdate())
    (facts, results) = next(e for e in entries if e[0].enrolment_id == world.enrolment.pk)
    assert all(c.status != "failed" for c in facts.competences)
    gaps = " ".join(c.gap for r in results for c in r.criteria)
    assert "failed" not in gaps


def test_the_release_date_is_the_boundary(world):
    attempt = unreleased_fail(world, days=3)
    release_on = attempt.release_on

    def status_on(day):
        facts = facts_module.gather_facts_for([world.enrolment], as_of=day, released_only=True)
        return {c.status for c in facts[world.enrolment.pk].competences if c.attempts_used}

    with mock.patch("django.utils.timezone.localdate", return_value=release_on):
        assert status_on(release_on - timedelta(days=1)) == {"submitted"}
        assert status_on(release_on) == {"failed"}
    assert attempt.is_released(release_on) and not attempt.is_released(release_on - timedelta(days=1))
    # The staff facts see it at once.
    staff = facts_module.gather_facts_for([world.enrolment], as_of=release_on - timedelta(days=1))
    assert "failed" in {c.status for c in staff[world.enrolment.pk].competences}
