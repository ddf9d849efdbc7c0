"""Browser journeys for the caseload: a trainee records a contact and reads their caseload; a supervisor
reads supervisees' caseloads. axe-core finds no violations on any page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo import caseload as demo_caseload
from tests.e2e.conftest import assert_accessible, login
from trainees.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def caseloads(demo):
    demo_caseload.seed(timezone.localdate())
    return demo


def test_a_trainee_records_a_contact_and_views_their_caseload(page, live_server, caseloads):
    login(page, live_server, "trainee.mid")
    page.get_by_role("link", name=caseloads["programme"].name).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="My caseload and practice log").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My caseload", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Patients seen by you against the ramp, by month of training")
    ).to_be_visible()
    ramp_table = page.get_by_role("table", name="Patients seen by the end of each month of training")
    expect(ramp_table).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record a contact").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Record a contact")).to_be_visible()
    assert_accessible(page)
    # An NHS number is refused, in the NHS error pattern.
    page.get_by_label("Case reference", exact=True).fill("943 476 5919")
    page.get_by_label("Date of the contact").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Treatment").check()
    page.get_by_label("Telephone").check()
    page.get_by_label("Intervention").select_option(label="Behavioural activation")
    page.get_by_label("Minutes").fill("30")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("body")).to_contain_text("NHS number")
    assert_accessible(page)

    page.get_by_label("Case reference", exact=True).fill("NV-999001")
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My caseload", exact=True)).to_be_visible()
    expect(page.locator("body")).to_contain_text("Contact recorded")
    expect(page.get_by_role("cell", name="NV-999001").first).to_be_visible()
    assert Contact.objects.filter(case__reference="NV-999001", type="treatment").exists()
    assert_accessible(page)


def test_a_supervisor_reads_supervisees_caseloads(page, live_server, caseloads):
    login(page, live_server, "supervisor")
    page.get_by_role("link", name="Your supervisees' caseloads").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Supervisees' caseloads")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Liam Turner").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Caseload", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Record a contact")).to_have_count(0)
    assert_accessible(page)


def test_the_import_page_and_the_ramp_settings_are_accessible(page, live_server, caseloads):
    login(page, live_server, "trainee.late")
    page.get_by_role("link", name=caseloads["programme"].name).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="My caseload and practice log").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Import from the service's system").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Import contacts", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login(page, live_server, "lead")
    page.goto(f"{live_server.url}/caseload/programmes/{caseloads['programme'].code}/")
    expect(page.get_by_role("heading", name="Caseload ramp")).to_be_visible()
    assert_accessible(page)
