import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo import portfolios
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio_demo(demo):
    return portfolios.seed(timezone.localdate())


def test_a_visitor_opens_an_assigned_portfolio(page, live_server, portfolio_demo):
    snapshot = portfolio_demo["snapshot"]
    login(page, live_server, "visitor")
    page.get_by_role("link", name="BPS programme accreditation visit").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="BPS programme accreditation visit")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Dana Okafor", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Submitted portfolio: Dana Okafor")).to_be_visible()
    expect(page.locator("body")).to_contain_text(snapshot.verification_code)
    for heading in [
        "Readiness summary",
        "Competences and assessments",
        "Supervision",
        "Caseload against the quota",
    ]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Patients seen by Dana Okafor against the ramp, by month of training")
    ).to_be_visible()
    assert_accessible(page)


def test_the_trainee_submits_and_anyone_verifies_by_code(page, live_server, demo, portfolio_demo):
    login(page, live_server, "trainee.done")
    page.get_by_role("link", name=demo["programme"].name).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Submit your portfolio, or see the ones you have submitted").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit portfolio").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/verify/")
    assert_accessible(page)
    page.get_by_label("Verification code").fill(portfolio_demo["snapshot"].verification_code)
    page.get_by_role("button", name="Check").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="This code belongs to a submitted portfolio")).to_be_visible()
    assert_accessible(page)


def test_the_administrator_manages_the_visit(page, live_server, portfolio_demo):
    login(page, live_server, "admin")
    page.get_by_role("link", name="Accreditation visits").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="BPS programme accreditation visit").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Who looked at what")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Build a pack").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Visit pack")).to_be_visible()
    expect(page.get_by_role("link", name="Download the pack (ZIP")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/visits/new/")
    assert_accessible(page)
