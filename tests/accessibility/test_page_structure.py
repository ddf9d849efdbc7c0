"""Structure every page shares: headings that never skip a level, buttons that name their row, tables that
scroll inside their own box, forms that post to an address without a fragment, no invalid roles, and a CSRF
failure page in the product's own layout."""

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
        self.post_actions = []  # the action of each form that posts (None when it has none)

    def handle_starttag(self, tag, attrs):
        if tag == "form" and (dict(attrs).get("method") or "").lower() == "post":
            self.post_actions.append(dict(attrs).get("action"))
        elif re.fullmatch(r"h[1-6]", tag):
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


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE)


def test_every_form_that_posts_names_its_action():
    """A form without an action posts to the browser's address, fragment and all (#maincontent after the
    skip link), so a failed submit would not focus the error summary. JavaScript plays no part: every form
    names its action, `{% here %}` for its own page."""
    forms, bare = 0, []
    for path in TEMPLATES.rglob("*.html"):
        for match in POST_FORM.finditer(path.read_text()):
            forms += 1
            if not re.search(r'\saction="[^"#]+"', match.group(0)):
                bare.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert forms > 60
    assert bare == []


def test_here_is_the_path_and_query_without_a_fragment(rf):
    from django.template import Context, Template

    request = rf.get("/trainees/5/cases/", {"next": "a&b", "q": '"x"'})
    html = Template('<form method="post" action="{% here %}">').render(Context({"request": request}))
    assert html == '<form method="post" action="/trainees/5/cases/?next=a%26b&amp;q=%22x%22">'


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
        for action in page.post_actions:
            if not action or "#" in action:
                problems.append(f"{name}: a form posts to {action!r}, so the browser keeps the fragment")
        repeated = {b for b in page.buttons if page.buttons.count(b) > 1}
        if repeated:
            problems.append(f"{name}: several buttons are called {sorted(repeated)}")
    assert pages > 50
    assert problems == []
