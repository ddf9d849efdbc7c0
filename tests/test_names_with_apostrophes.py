"""Names such as O'Sullivan are common in the NHS: they show as written on the pages (escaped, never
raw HTML), can be searched for, and read correctly in the portfolio PDF."""

from datetime import date
from html import escape

import pytest
from django.urls import reverse

from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.render import render_portfolio_pdf
from tests import factories as f
from tests.accreditation.test_portfolio_pdf import needs_poppler, pdf_text
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruth(world):
    fa.ensure_reference()
    user = f.UserFactory(first_name="Ruth", last_name="O'Sullivan")
    return f.EnrolmentFactory(user=user, cohort=world.cohort)


def test_the_grid_shows_and_finds_an_apostrophe_name(client, world, ruth):
    client.force_login(world.user("educator"))
    url = reverse("assessments:grid", args=[world.cohort.code])
    page = client.get(url).content.decode()
    assert escape("Ruth O'Sullivan") in page
    assert "Ruth O'Sullivan" not in page  # never unescaped into the HTML
    found = client.get(url, {"name": "O'Sullivan"})
    assert len(found.context["table"].rows) == 1
    assert escape("Ruth O'Sullivan") in found.content.decode()


@needs_poppler
def test_the_portfolio_reads_an_apostrophe_name_as_written(ruth, tmp_path):
    text = pdf_text(render_portfolio_pdf(portfolio_data(ruth, as_of=date(2025, 12, 1))), tmp_path)
    assert "Ruth O'Sullivan" in text
