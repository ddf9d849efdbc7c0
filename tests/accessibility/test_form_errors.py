"""Error messages and the error summary follow the NHS.UK pattern on every form (WCAG 3.3.1, 3.3.3, 4.1.2):
the title starts "Error: ", the summary's links point at fields that exist, and no message is the bare
"This field is required." that does not say which field it is about."""

import re
from html import unescape

import pytest
from django import forms
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from config.forms import AccessibleBoundField, required_message
from tests.matrix import all_rows
from tests.world import PERSONAS

pytestmark = pytest.mark.django_db

GENERIC = "This field is required."
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.IGNORECASE)


def posts_to_itself(html: str, url: str) -> bool:
    """A form on the page posts back to the page (its action is `{% here %}`, or it has none)."""
    for form in POST_FORM.finditer(html):
        action = re.search(r'\baction="([^"]*)"', form.group(0))
        if action is None or unescape(action.group(1)) == url:
            return True
    return False


class VisitForm(forms.Form):
    title = forms.CharField(label="Title")
    kind = forms.ChoiceField(
        label="Kind of visit",
        choices=[("", "---------"), ("a", "Annual"), ("b", "Approval")],
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(label="3. Rapport", choices=[("", "Choose a rating"), ("1", "1 – Poor")])
    confirm = forms.BooleanField(label="I confirm that this is my own work")
    scheme = forms.ChoiceField(
        label="Which scheme is this for?", choices=[("x", "X")], widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes (optional)", required=False)


def test_every_form_field_gets_the_accessible_bound_field():
    assert isinstance(VisitForm()["title"], AccessibleBoundField)


def test_each_required_message_names_its_field():
    form = VisitForm(data={})
    assert not form.is_valid()
    assert [list(field.errors) for field in form if field.errors] == [
        ["Enter title"],
        ["Choose kind of visit"],
        ["Choose a rating for 3. Rapport"],
        ["Tick the box to confirm: I confirm that this is my own work"],
        ["Answer the question “Which scheme is this for?”"],
    ]


def test_a_form_s_own_required_message_is_kept():
    field = forms.CharField(label="Title", error_messages={"required": "Enter the visit's title"})
    form = type("F", (forms.Form,), {"title": field})(data={})
    assert list(form["title"].errors) == ["Enter the visit's title"]


def test_acronyms_keep_their_capitals():
    assert required_message(forms.CharField(), "CPD activity") == "Enter CPD activity"
    assert required_message(forms.DateField(), "Date of the attempt") == "Enter date of the attempt"


def test_error_summary_links_go_to_the_field_or_the_first_real_option():
    form = VisitForm(data={})
    html = render_to_string("includes/error_summary.html", {"form": form})
    links = re.findall(r'href="#([^"]*)"', html)
    assert links == ["id_title", "id_kind_1", "id_rating", "id_confirm", "id_scheme_0"]
    page = form.as_div()
    assert all(f'id="{target}"' in page for target in links)


def test_the_blank_choice_is_not_offered_as_a_radio_so_it_cannot_show_as_chosen():
    html = VisitForm(data={"kind": ""}).as_div()
    radios = re.findall(r'<input type="radio" name="kind"[^>]*>', html)
    assert len(radios) == 2
    assert not any('value=""' in radio or "checked" in radio for radio in radios)
    assert "---------" not in html


def test_each_error_message_is_tied_to_its_control():
    html = VisitForm(data={}).as_div()
    for described_by in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in described_by.split():
            assert f'id="{target}"' in html, target


def test_the_page_title_starts_with_error_when_a_form_failed(rf):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    failed = render_to_string("registration/login.html", {"form": VisitForm(data={})}, request=request)
    fresh = render_to_string("registration/login.html", {"form": VisitForm()}, request=request)
    assert re.search(r"<title>Error: ", failed)
    assert not re.search(r"<title>Error: ", fresh)
    assert 'class="nhsuk-error-summary"' in failed and 'class="nhsuk-error-summary"' not in fresh


def test_the_error_summary_heading_follows_the_page_heading(rf):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = render_to_string("registration/login.html", {"form": VisitForm(data={})}, request=request)
    assert html.index("<h1") < html.index("error-summary-title")


def happy_paths():
    """Every GET page of the permission matrix with the first persona that may see it."""
    for name, row in sorted(all_rows().items()):
        if row.method != "get":
            continue
        persona = next((p for p in PERSONAS if p != "anonymous" and row.outcomes[p] == 200), None)
        if persona:
            yield name, row, persona


def test_every_form_submitted_empty_names_each_problem_and_links_to_real_fields(world):
    """The audit's walk: submit every form of every page empty and read what comes back."""
    problems, walked = [], 0
    for name, row, persona in happy_paths():
        with transaction.atomic():
            client = Client()
            client.force_login(world.user(persona))
            url = row.url(world)
            page = client.get(url)
            is_html = page.status_code == 200 and "text/html" in page.get("Content-Type", "")
            if not is_html or page.streaming or not posts_to_itself(page.content.decode(), url):
                transaction.set_rollback(True)
                continue
            response = client.post(url, {})
            html = response.content.decode()
            transaction.set_rollback(True)
        if response.status_code != 200 or "nhsuk-error-summary" not in html:
            continue
        walked += 1
        if GENERIC in html:
            problems.append(f"{name}: says only '{GENERIC}'")
        if not re.search(r"<title>Error: ", html):
            problems.append(f"{name}: the title does not start with 'Error: '")
        summary = html[html.index("nhsuk-error-summary") :]
        summary = summary[: summary.index("</ul>")]
        for target in re.findall(r'href="#([^"]*)"', summary):
            if not target or f'id="{target}"' not in html:
                problems.append(f"{name}: the summary links to #{target}, which is not on the page")
    assert walked >= 10, "the walk found too few forms to mean anything"
    assert problems == []
