"""The educator's Friday with the demo's cohort of forty: who needs attention, the header search and compact
cohort rows, at a 1280-pixel window and on a 320-pixel phone, axe-clean."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.reference import load_schemes
from demo import cohort40
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def forty(demo):
    load_schemes()
    return cohort40.seed(timezone.localdate())["cohort"]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_who_needs_attention_search_and_compact_rows(page, live_server, forty):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_server, "educator")
    expect(page.get_by_role("heading", name="Who needs attention")).to_be_visible()
    page.get_by_role("link", name="See all").click()
    page.wait_for_load_state()
    assert not scrolls_sideways(page)
    assert_accessible(page)
    rows = page.locator("table.app-attention tbody tr")
    total = rows.count()
    assert total > 0
    # Filtered to the cohort of forty and one reason, the list shrinks to those trainees alone.
    page.get_by_label("Cohort").select_option(forty.code)
    page.get_by_label("Reason").select_option("supervision")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    cohort_cells = page.locator("table.app-attention tbody tr td:nth-child(2)").all_inner_texts()
    assert cohort_cells and set(cohort_cells) == {forty.name}
    for cell in page.locator("table.app-attention tbody tr td:nth-child(3)").all_inner_texts():
        assert "supervision" in cell
    # Each row says what to do as well as why.
    for cell in page.locator("table.app-attention tbody tr td:nth-child(4)").all_inner_texts():
        assert cell.strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list (XLSX)").click()
    assert download.value.suggested_filename.startswith("needs-attention-")

    # The header search finds a trainee of the forty by name, with cohort and stage.
    page.get_by_label("Find a trainee by name").fill("Gallagher")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Find a trainee")).to_be_visible()
    expect(page.locator("main table tbody tr").first).to_contain_text(forty.name)
    expect(page.locator("main table tbody tr").first).to_contain_text("Month")
    assert_accessible(page)

    # The cohort page: one line a row, so forty trainees take little more than a screen.
    page.goto(f"{live_server.url}/cohorts/{forty.code}/")
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('table.app-cohort-table tbody tr'))"
        ".map(r => r.getBoundingClientRect().height)"
    )
    assert len(heights) == 40
    assert max(heights) < 50, f"cohort rows are up to {max(heights)} pixels tall"
    assert not scrolls_sideways(page)
    # The name stays in view while the figures scroll sideways inside the table's box.
    box = page.locator(".app-table-scroll").filter(has=page.locator("table.app-cohort-table"))
    box.evaluate("el => el.scrollTo(400, 0)")
    name_cell = page.locator("table.app-cohort-table tbody tr td:first-child").first
    assert abs(name_cell.bounding_box()["x"] - box.bounding_box()["x"]) < 3
    assert_accessible(page)

    # On a phone nothing scrolls sideways as a whole.
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/attention/", f"/cohorts/{forty.code}/", "/search/?q=Gallagher"):
        page.goto(live_server.url + path)
        assert not scrolls_sideways(page), f"{path} scrolls sideways at 320 pixels"
