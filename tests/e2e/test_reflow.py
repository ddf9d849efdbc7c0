"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page scrolls sideways as a whole; a wide table scrolls
inside its own box. Every happy path of the permission matrix, for every persona that may see it, in one
browser context with one sign-in per persona, in four walks of about the same length so that parallel
workers share them. On the way, axe-core checks every page once (for the first persona that opens it): zero
violations on every page."""

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


PARTS = 4


def opens(row, persona) -> bool:
    """A page (a GET row of the matrix) this persona may open."""
    return row.method == "get" and row.outcomes[persona] == 200


def page_count(rows, persona) -> int:
    return sum(1 for row in rows.values() if opens(row, persona))


def walks(rows) -> list[list[str]]:
    """The personas split into PARTS walks of about the same number of pages (largest first, each to the
    lightest walk), so that the test runs as PARTS tests that parallel workers share."""
    counts = {persona: page_count(rows, persona) for persona in PERSONAS if persona != "anonymous"}
    parts = [[] for _ in range(PARTS)]
    for persona in sorted(counts, key=lambda p: (-counts[p], PERSONAS.index(p))):
        lightest = min(parts, key=lambda part: sum(counts[p] for p in part))
        lightest.append(persona)
    return [sorted(part, key=PERSONAS.index) for part in parts]


def first_openers(rows) -> dict[str, str]:
    """Each page is checked with axe-core once in the whole walk: by the first persona (in PERSONAS order)
    that may open it, whichever part walks that persona."""
    firsts = {"accounts:login": "anonymous"}
    for persona in PERSONAS[1:]:
        for name, row in rows.items():
            if opens(row, persona):
                firsts.setdefault(name, persona)
    return firsts


def pages_by_persona(world, rows, personas):
    urls = {}
    for name, row in sorted(rows.items()):
        if row.method != "get":
            continue
        with transaction.atomic():
            urls[name] = row.url(world)  # every row, as in one walk: a row's builder reuses what others made
    for persona in personas:
        if persona == "anonymous":
            yield persona, [("accounts:login", "/accounts/login/")]
        else:
            yield persona, [(n, urls[n]) for n in sorted(urls) if opens(rows[n], persona)]


@pytest.mark.parametrize("part", range(PARTS), ids=[f"walk-{n + 1}-of-{PARTS}" for n in range(PARTS)])
def test_no_page_scrolls_sideways_at_320_pixels(browser, world, live_server, part):
    rows = all_rows()
    personas = (["anonymous"] if part == 0 else []) + walks(rows)[part]
    firsts = first_openers(rows)
    context = browser.new_context(viewport={"width": WIDTH, "height": 640}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    wide, visited, violations = [], 0, []
    try:
        for persona, pages in pages_by_persona(world, rows, personas):
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
                if firsts[name] == persona:
                    found = axe_violations(page)
                    if found:
                        violations.append((persona, name, found))
    finally:
        context.close()
    assert visited > 50
    assert wide == [], "pages that scroll sideways at 320 pixels:\n" + "\n".join(map(str, wide))
    assert violations == [], "axe-core violations:\n" + "\n".join(map(str, violations))


def test_the_walks_cover_every_persona_once_and_share_the_pages_evenly():
    rows = all_rows()
    parts = walks(rows)
    assert sorted(p for part in parts for p in part) == sorted(p for p in PERSONAS if p != "anonymous")
    totals = [sum(page_count(rows, p) for p in part) for part in parts]
    assert sum(totals) > 400 and max(totals) < 1.5 * min(totals), totals
