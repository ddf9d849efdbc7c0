"""The everyday cohort pages at real size: the demo's forty-trainee cohort, seeded as the demo is.

At a 1280-pixel window no page scrolls sideways (a wide table scrolls inside its own box), the readiness
matrix is under two screen heights for forty trainees with its header in view, and axe-core finds nothing.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.reference import load_schemes
from demo import cohort40
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def forty(demo):
    load_schemes()
    return cohort40.seed(timezone.localdate())["cohort"]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_the_cohort_pages_fit_a_1280_pixel_window_and_a_phone(page, live_server, forty):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login(page, live_server, "educator")
    pages = {
        "home": "/",
        "cohort": f"/cohorts/{forty.code}/",
        "competence grid": f"/assessments/cohorts/{forty.code}/competences/",
        "readiness": f"/cohorts/{forty.code}/readiness/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert not scrolls_sideways(page), f"the {name} page scrolls sideways at {WIDTH} pixels"
        assert_accessible(page)

    # The readiness matrix: 39 rows (the withdrawn trainee is left out), under two screen heights.
    matrix = page.locator("table.app-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(39)
    assert matrix.bounding_box()["height"] < 2 * HEIGHT
    # Most to do first: the count of unmet criteria never rises down the rows.
    counts = [
        0 if "Ready" in text else int(text.split()[0])
        for text in matrix.locator("tbody tr td:first-of-type").all_inner_texts()
    ]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    # The header stays in view while the rows scroll.
    box = page.locator(".app-matrix-scroll")
    box.evaluate("el => el.scrollTo(0, 600)")
    header, container = matrix.locator("thead th").first.bounding_box(), box.bounding_box()
    assert abs(header["y"] - container["y"]) < 3
    # The full gap sentences are one click away.
    first = matrix.locator("tbody tr").first
    first.locator("summary").click()
    expect(first.locator("details li").first).to_be_visible()
    expect(first.get_by_text("more university days").first).to_be_visible()
    assert_accessible(page)

    # Printed, the page is the records alone: no header or filters, and the matrix at its full length.
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    assert box.evaluate("el => el.scrollHeight <= el.clientHeight")
    page.emulate_media(media="screen")

    # On a phone the cohort pages reflow: a table scrolls in its box, the page does not.
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("cohort", "competence grid", "readiness"):
        page.goto(live_server.url + pages[name])
        assert not scrolls_sideways(page), f"the {name} page scrolls sideways on a phone"
