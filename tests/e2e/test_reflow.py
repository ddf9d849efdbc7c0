"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page scrolls sideways as a whole; a wide table scrolls
inside its own box. Every happy path of the permission matrix, for every persona that may see it, in one
browser context with one sign-in per persona. On the way, axe-core checks every page once (for the first
persona that opens it): zero violations on every page."""

import pytest
from django.db import transaction
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import axe_violations
from tests.e2e.signin import sign_in
from tests.matrix import all_rows
from tests.world import PERSONAS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 320

# The widest elements that stick out, to say what to fix when the check fails.
OVERFLOW = """(width) => {
  const out = []
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right
    const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
    if (right > width + 1) out.push(`${name} → ${Math.round(right)}px`)
  }
  return out.slice(-5)
}"""


# The matrix builds each row's records in a fresh, rolled-back state. Here every row shares one committed
# world (the live server cannot see another connection's uncommitted rows), so a row's builder reuses what
# an earlier row made (tests/matrix/rows_assessments.py: one open attempt) and every page is walked.


def pages_by_persona(world):
    rows = all_rows()
    urls = {}
    for name, row in sorted(rows.items()):
        if row.method != "get":
            continue
        with transaction.atomic():
            urls[name] = row.url(world)
    yield "anonymous", [("accounts:login", "/accounts/login/")]
    for persona in PERSONAS:
        if persona == "anonymous":
            continue
        yield persona, [(n, urls[n]) for n in sorted(urls) if rows[n].outcomes[persona] == 200]


def test_no_page_scrolls_sideways_at_320_pixels(browser, world, live_server):
    # bypass_csp lets axe-core's script be added to the page; the product's own pages are unchanged.
    context = browser.new_context(viewport={"width": WIDTH, "height": 640}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    wide, visited, checked, violations = [], 0, set(), []
    try:
        for persona, pages in pages_by_persona(world):
            if persona == "anonymous":
                context.clear_cookies()
            else:
                sign_in(context, live_server, world.user(persona))
            for name, path in pages:
                try:
                    response = page.goto(f"{live_server.url}{path}", wait_until="load")
                except PlaywrightError as error:
                    if "Download is starting" in str(error):
                        continue  # a file (PDF, spreadsheet), not a page
                    raise
                assert response.status == 200, (persona, name, response.status)
                visited += 1
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    wide.append((persona, name, width, page.evaluate(OVERFLOW, WIDTH)))
                if name not in checked:
                    checked.add(name)
                    found = axe_violations(page)
                    if found:
                        violations.append((persona, name, found))
    finally:
        context.close()
    assert visited > 100
    assert wide == [], "pages that scroll sideways at 320 pixels:\n" + "\n".join(map(str, wide))
    assert violations == [], "axe-core violations:\n" + "\n".join(map(str, violations))
