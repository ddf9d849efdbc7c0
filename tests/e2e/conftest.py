"""Browser tests: Playwright for Python driving Debian's Chromium, with axe-core for accessibility.

Never downloads a browser. Without /usr/bin/chromium the tests are skipped locally and fail in CI.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from demo import DEMO_PASSWORD, foundation

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the live server's database calls are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker, so that `-m "not e2e"` leaves these out
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connection, connections
    from playwright.sync_api import sync_playwright

    # While Playwright's event loop runs in this thread, asgiref keeps Django's connections apart from those
    # opened before it started (an async context has its own), so neither set sees the other. Close each set
    # as the loop starts and stops: otherwise one connection stays open to the end of the run and the test
    # database cannot be dropped ("is being accessed by other users").
    if not connection.in_atomic_block:
        connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the site's own pages still send their policy.
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def demo(transactional_db, curriculum, live_server):
    """The demo programme, seeded through the same code as `manage.py seed_demo`."""
    return foundation.seed(timezone.localdate())


def login(page, live_server, username, password=DEMO_PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the current page and return its violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], f"axe-core violations on {page.url}:\n{json.dumps(violations, indent=2)}"
