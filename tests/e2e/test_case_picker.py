"""A keyboard user logs a week's case-management supervision with a caseload of 59 cases (20 open, 5 of them
overdue for review, 39 discharged), pressing Tab from the top of the page to the submit button.

With the flat list every case was a Tab stop (about 80 presses, issue 18). Now discharged cases are not
listed, "Reviewed all 5 overdue cases" is one stop and the one-by-one list is folded away, so the whole form
takes the number of presses pinned below.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from trainees.models import Case, Enrolment, SupervisionSession

pytestmark = pytest.mark.django_db(transaction=True)

# Tab presses from the top of the page to the submit button, filling in the form on the way: the header
# (skip link, logo, search box and button, log out, menu), the breadcrumbs, then the form's own stops.
MAX_TAB_PRESSES = 30


@pytest.fixture
def caseload(demo):
    enrolment = Enrolment.objects.get(user__username="trainee.mid")
    today = timezone.localdate()
    cases = []
    for n in range(59):
        closed = n >= 20
        cases.append(
            Case(
                enrolment=enrolment,
                service=enrolment.employing_service,
                reference=f"KB-{n:03d}",
                opened_on=today - timedelta(days=60 if n < 5 else (10 if n < 20 else 120)),
                closed_on=today - timedelta(days=30) if closed else None,
                status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            )
        )
    Case.objects.bulk_create(cases)
    return enrolment


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement;
           return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '',
                   text: (el.innerText || '').trim()} }"""
    )


def test_a_keyboard_user_logs_the_weekly_session_in_few_tab_presses(page, live_server, caseload):
    before = set(SupervisionSession.objects.filter(enrolment=caseload).values_list("pk", flat=True))
    login(page, live_server, "trainee.mid")
    page.goto(live_server.url + reverse("trainees:supervision_log", args=[caseload.pk]))
    expect(page.get_by_text("Your 20 open cases, 5 overdue for review")).to_be_visible()
    expect(page.locator("input[name=cases]")).to_have_count(20)
    assert_accessible(page)

    presses, done = 0, set()
    while presses < 150:
        page.keyboard.press("Tab")
        presses += 1
        el = focused(page)
        if el["tag"] == "BUTTON" and el["text"] == "Log the session":
            break
        name = el["name"]
        if name in done:
            continue
        if name == "kind":
            while focused(page)["value"] != SupervisionSession.Kind.CASE_MANAGEMENT:
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
        elif name == "date":
            # Chromium lays out a date field in its own interface language (here month, day, year).
            today = timezone.localdate()
            page.keyboard.type(f"{today:%m%d%Y}")
            assert focused(page)["value"] == today.isoformat()
        elif name == "minutes":
            page.keyboard.type("60")
        elif name == "supervisor":
            page.keyboard.press("ArrowDown")
        elif name == "all_overdue":
            page.keyboard.press("Space")
        else:
            continue
        done.add(name)
    print(f"Tab presses from the top of the page to the submit button: {presses}")
    assert done == {"kind", "date", "minutes", "supervisor", "all_overdue"}
    assert presses <= MAX_TAB_PRESSES
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Session logged")).to_be_visible()
    session = SupervisionSession.objects.exclude(pk__in=before).get(enrolment=caseload)
    assert sorted(c.reference for c in session.cases_reviewed.all()) == [f"KB-{n:03d}" for n in range(5)]


def test_the_filter_box_narrows_the_one_by_one_list(page, live_server, caseload):
    login(page, live_server, "trainee.mid")
    page.goto(live_server.url + reverse("trainees:supervision_log", args=[caseload.pk]))
    page.get_by_text("Choose cases one by one").click()
    page.get_by_label("Show cases whose reference contains").fill("kb-01")
    visible = page.locator(".app-case-list [data-reference]:visible")
    expect(visible).to_have_count(10)
    page.get_by_label("Reviewed all 5 overdue cases").check()
    page.get_by_label("Show cases whose reference contains").fill("")
    expect(page.locator("[data-app-overdue]:checked")).to_have_count(5)
    assert_accessible(page)
