"""Starting a programme year in the browser: a programme, a cohort and forty trainees from one file, then an
invited trainee follows the e-mailed link (read from a real SMTP server) and sees their own page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.conftest import assert_accessible, login
from tests.smtp import link_in
from tests.trainees.intake_files import csv_file, row
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)
PASSPHRASE = "forty trainees start on monday"


def test_an_administrator_starts_a_programme_year_and_a_trainee_activates(
    page, browser, live_server, curriculum, smtp_inbox, tmp_path
):
    admin = f.AdministratorFactory(
        user__username="start.admin", organisation__name="Northern University"
    ).user
    f.ServiceFactory(code="north-tt", name="North Talking Therapies")
    login(page, live_server, "start.admin", f.PASSWORD)

    page.goto(f"{live_server.url}/programmes/")
    page.get_by_role("link", name="Set up a programme").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("PGCert Psychological Wellbeing Practice")
    page.get_by_label("Short code").fill("nu-pgcert")
    page.get_by_label("Award").select_option("pgcert")
    page.get_by_label("Level").select_option("7")
    page.get_by_role("button", name="Set up programme").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="PGCert Psychological Wellbeing Practice")).to_be_visible()

    page.get_by_role("link", name="Add a cohort").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("January intake")
    page.get_by_label("Short code").fill("nu-jan")
    page.get_by_label("Intake").fill("January")
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Add cohort").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Next, plan its teaching days")).to_be_visible()

    path = tmp_path / "intake.csv"
    path.write_bytes(csv_file([row(n) for n in range(1, 41)]).getvalue())
    page.goto(f"{live_server.url}/cohorts/nu-jan/intake/")
    assert_accessible(page)
    page.get_by_label("Intake file (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()  # submission one: upload and preview
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Check before enrolling")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Enrol 40 trainees").click()  # submission two: confirm
    page.wait_for_load_state()
    expect(page.get_by_text("40 trainees enrolled on January intake")).to_be_visible()
    assert Enrolment.objects.filter(cohort__code="nu-jan").count() == 40
    assert admin.is_active

    message = smtp_inbox.wait_for("trainee7@example.nhs.uk")
    link = link_in(message, "/accounts/welcome/")
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    trainee_page = context.new_page()
    try:
        trainee_page.goto(f"{live_server.url}{link}")
        expect(trainee_page.get_by_role("heading", name="Set your password")).to_be_visible()
        assert_accessible(trainee_page)
        trainee_page.get_by_label("New password", exact=True).fill(PASSPHRASE)
        trainee_page.get_by_label("New password confirmation").fill(PASSPHRASE)
        trainee_page.get_by_role("button", name="Set password").click()
        trainee_page.wait_for_load_state()
        expect(trainee_page.get_by_role("heading", name="Your password is set")).to_be_visible()
        login(trainee_page, live_server, "trainee7@example.nhs.uk", PASSPHRASE)
        expect(trainee_page.get_by_text("January intake").first).to_be_visible()
        assert_accessible(trainee_page)
    finally:
        context.close()
