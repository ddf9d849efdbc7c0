"""Structure every page shares: headings that never skip a level, buttons that name their row, tables that
scroll inside their own box, no invalid roles, and a CSRF failure page in the product's own layout."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.matrix import all_rows
from tests.world import PERSONAS

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCREEN_TEMPLATES = [p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts]


class Outline(HTMLParser):
    """Heading levels in order, and the text of each button."""

    def __init__(self):
        super().__init__()
        self.levels, self.buttons, self._button = [], [], None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        elif tag == "button":
            self._button = []

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append(" ".join("".join(self._button).split()))
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_every_table_on_screen_sits_in_its_own_scrolling_box():
    bare = []
    for path in SCREEN_TEMPLATES:
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            before = re.sub(r"{#.*?#}", "", text[: match.start()]).rstrip()
            # The box may carry more classes and a name (`role="region"`, `aria-labelledby`, `tabindex`).
            boxed = re.search(r'<div class="app-table-scroll[^"]*"[^>]*>$', before)
            if not boxed and "tables/" not in str(path):
                bare.append(f"{path.relative_to(TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}")
    assert bare == []


def test_no_template_uses_the_invalid_role_text():
    assert [str(p.relative_to(TEMPLATES)) for p in SCREEN_TEMPLATES if 'role="text"' in p.read_text()] == []


def test_a_csrf_failure_gets_the_product_layout_and_plain_words():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<main class="nhsuk-main-wrapper" id="maincontent"' in html
    assert "<h1>Your form was not sent</h1>" in html
    assert "CSRF" not in html.split("<main", 1)[1]


def test_every_page_keeps_its_heading_levels_and_names_each_button(world):
    """Every page of the permission matrix that its first allowed persona can see."""
    problems, pages = [], 0
    for name, row in sorted(all_rows().items()):
        persona = next((p for p in PERSONAS if p != "anonymous" and row.outcomes[p] == 200), None)
        if row.method != "get" or persona is None:
            continue
        with transaction.atomic():
            client = Client()
            client.force_login(world.user(persona))
            response = client.get(row.url(world))
            transaction.set_rollback(True)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        page = outline(response.content.decode())
        for before, after in zip(page.levels, page.levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"{name}: h{before} is followed by h{after}")
        repeated = {b for b in page.buttons if page.buttons.count(b) > 1}
        if repeated:
            problems.append(f"{name}: several buttons are called {sorted(repeated)}")
    assert pages > 50
    assert problems == []
