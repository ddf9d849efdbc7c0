"""A failed submit, even after "Skip to main content" put #maincontent in the address, moves focus to the
error summary, and each of its links moves focus to its field (NHS.UK error pattern; WCAG 2.4.3, 3.3.1)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.signin import sign_in
from tests.matrix import all_rows

pytestmark = pytest.mark.django_db(transaction=True)


def skip_to_main_content(page):
    skip_link = page.get_by_role("link", name="Skip to main content")
    skip_link.focus()  # the first Tab stop on every page
    page.keyboard.press("Enter")
    # The fragment lands in the address a moment after the key press: wait for it rather than read at once.
    expect(page).to_have_url(re.compile(r"#maincontent$"))


def submit_empty_and_check_the_summary(page, button, expected_links):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert "#" not in page.url, "the form posted to an address with a fragment"
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() == len(expected_links)
    for index, text in enumerate(expected_links):
        link = links.nth(index)
        expect(link).to_have_text(text)
        target = link.get_attribute("href").removeprefix("#")
        assert target, f"the link for '{text}' goes nowhere"
        link.click()
        expect(page.locator(f"[id='{target}']")).to_be_focused()
    assert_accessible(page)


def test_the_sign_in_form_focuses_its_errors_after_the_skip_link(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    skip_to_main_content(page)
    submit_empty_and_check_the_summary(page, "Sign in", ["Enter username", "Enter password"])


def test_a_form_with_a_radio_group_links_its_error_to_the_first_option(page, live_server, world):
    sign_in(page.context, live_server, world.user("educator"))
    page.goto(live_server.url + all_rows()["trainees:interruption_new"].url(world))
    skip_to_main_content(page)
    submit_empty_and_check_the_summary(
        page,
        re.compile("^(Record|Save|Add)"),
        [
            "Enter first day of the interruption",
            "Enter last day of the interruption",
            "Choose reason",
        ],
    )


def test_without_javascript_a_failed_submit_leaves_the_fragment_behind(browser, live_server, world):
    """The form's own action drops #maincontent; no script is needed for that."""
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(context, live_server, world.user("educator"))
        path = all_rows()["trainees:interruption_new"].url(world)
        page.goto(f"{live_server.url}{path}#maincontent")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^(Record|Save|Add)")).click()
        assert page.url == f"{live_server.url}{path}"
        assert page.title().startswith("Error: ")
    finally:
        context.close()
