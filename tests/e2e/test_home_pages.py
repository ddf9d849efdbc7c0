import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_login_errors_follow_the_nhs_pattern(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("educator")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


def test_educator_walks_home_cohort_and_trainee_pages(page, live_server, demo):
    login(page, live_server, "educator")
    expect(page.get_by_role("heading", name="My cohorts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=demo["cohorts"]["nv-cohort-3"].name).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=demo["cohorts"]["nv-cohort-3"].name)).to_be_visible()
    expect(page.get_by_role("link", name="Maya Patel", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Maya Patel", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Maya Patel")).to_be_visible()
    assert_accessible(page)


def test_trainee_sees_their_training_at_a_glance(page, live_server, demo):
    login(page, live_server, "trainee.mid")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=demo["programme"].name).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    assert_accessible(page)


def test_supervisor_and_visitor_home_pages(page, live_server, demo):
    login(page, live_server, "supervisor")
    expect(page.get_by_role("heading", name="My supervisees")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login(page, live_server, "visitor")
    expect(page.get_by_role("heading", name="My accreditation visits")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Open now")
    assert_accessible(page)


def tab_to(page, text, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"Could not reach {text!r} with the Tab key")


def test_the_whole_journey_works_with_the_keyboard_alone(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    # The username field has focus when the page opens.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("educator")
    page.keyboard.press("Tab")
    page.keyboard.type("wellbeing-demo-passphrase")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My cohorts")).to_be_visible()
    cohort = demo["cohorts"]["nv-cohort-3"]
    tab_to(page, cohort.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=cohort.name)).to_be_visible()
    tab_to(page, "Maya Patel")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Maya Patel")).to_be_visible()
