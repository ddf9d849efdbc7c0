"""Browser journeys for readiness and the CPD log, with axe-core on every page.

The other areas' data (training days, competences, supervision, caseload) is constructed (see
tests/accreditation/conftest.py); the enrolments, schemes and CPD log are real.
"""

import pytest
from playwright.sync_api import expect

from accreditation import facts as facts_module
from accreditation.reference import load_schemes
from tests.accreditation import factories_readiness as fr
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def readiness(demo, monkeypatch):
    load_schemes()
    overrides = {
        "trainee.mid": {
            "caseload": fr.caseload(contact_hours=31.5),
            "supervision": fr.summary(cm=11.0, cs=9.0),
            "competences": fr.competences(unsigned=("sleep-hygiene", "panic-management", "values")),
        },
    }
    monkeypatch.setattr(facts_module, "gather_facts_for", fr.constructed_gather(overrides))
    return demo


def test_a_trainee_sees_what_is_left_in_order(page, live_server, readiness):
    login(page, live_server, "trainee.mid")
    page.get_by_role("link", name=readiness["programme"].name).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Am I ready?").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Am I ready?")).to_be_visible()
    expect(page.get_by_text("48.5 more hours of direct clinical contact").first).to_be_visible()
    # The three unsigned competences fall under two criteria, so they are listed as two gaps.
    expect(
        page.get_by_text("2 competences still to be signed off: Panic management and Sleep hygiene").first
    ).to_be_visible()
    expect(
        page.get_by_text(
            "1 competence still to be signed off: Working within an inclusive, recovery-oriented values base"
        ).first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="More about BABCP PWP register").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="BABCP PWP register")).to_be_visible()
    assert_accessible(page)


def test_an_educator_filters_the_cohort_by_what_is_missing(page, live_server, readiness):
    cohort = readiness["cohorts"]["nv-cohort-3"]
    login(page, live_server, "educator")
    page.goto(f"{live_server.url}/cohorts/{cohort.code}/")
    page.get_by_role("link", name="Cohort readiness for accreditation and registration").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Cohort readiness")).to_be_visible()
    expect(page.get_by_role("link", name="Maya Patel", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Not ready because").select_option(label="At least 80 hours of direct clinical contact")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Maya Patel", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Sophie Brown", exact=True)).to_have_count(0)
    assert_accessible(page)


def test_a_practitioner_logs_cpd_and_the_supervisor_confirms_it(page, live_server, readiness):
    login(page, live_server, "trainee.cpd")
    page.get_by_role("link", name=readiness["programme"].name).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="CPD log").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My CPD log")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a CPD activity").click()
    page.wait_for_load_state()
    page.get_by_label("Title").fill("Seen at 943 476 5919")
    page.get_by_label("Hours").fill("2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date of the activity").fill("2026-01-15")
    page.get_by_label("Title").fill("Worry management workshop")
    page.get_by_label("CBT-informed skills development").check()
    page.get_by_label("Reflective statement").fill("I will use worry time with patients with GAD.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_role("strong").filter(has_text="Worry management workshop")).to_be_visible()
    expect(page.get_by_text("Awaiting confirmation")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login(page, live_server, "supervisor")
    page.get_by_role("link", name="Chris Doyle", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="CPD log").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Confirm Worry management workshop").click()
    page.wait_for_load_state()
    expect(page.get_by_text("You confirmed “Worry management workshop”.")).to_be_visible()
    expect(page.get_by_text("by Sam Fletcher")).to_be_visible()
    expect(page.get_by_text("Awaiting confirmation")).to_have_count(0)
    assert_accessible(page)
