"""The PDFs' structure tree, read back with pikepdf: a screen reader reads each table cell with its header
and skips the running header and footer (WCAG 1.3.1, PDF/UA-1)."""

from datetime import UTC, date, datetime
from io import BytesIO

import pikepdf
import pytest

from accreditation.portfolio.data import portfolio_data
from accreditation.portfolio.render import render_pdf_template, render_portfolio_html, render_portfolio_pdf
from tests import factories as f
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db


def structure_elements(pdf: pikepdf.Pdf):
    stack = [pdf.Root.StructTreeRoot]
    seen = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def header_cells(pdf):
    return [e for e in structure_elements(pdf) if e.S == "/TH"]


def marked_content_tags(pdf) -> list[str]:
    """The tag of every marked-content sequence on every page, in order."""
    tags = []
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("BDC", "BMC"):
                tags.append(str(operands[0]))
    return tags


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """One portfolio rendered once for the module (a render takes seconds), rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()  # after a transactional test's flush
        enrolment = f.EnrolmentFactory(start_date=date(2025, 1, 6), cohort__start_date=date(2025, 1, 6))
        f.SupervisorAssignmentFactory(enrolment=enrolment)
        data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
        html = render_portfolio_html(data, verification_code="ABCD-EFGH-JKLM")
        pdf = render_portfolio_pdf(data, verification_code="ABCD-EFGH-JKLM")
        transaction.set_rollback(True)
    return html, pdf


@pytest.fixture
def portfolio(rendered):
    return pikepdf.open(BytesIO(rendered[1]))


def test_every_portfolio_header_cell_is_scoped_and_linked_to_its_data_cells(portfolio):
    headers = header_cells(portfolio)
    assert len(headers) > 20
    unscoped = [h for h in headers if "/A" not in h or h.A.get("/Scope") not in ("/Column", "/Row")]
    assert unscoped == []
    assert {str(h.A.Scope) for h in headers} == {"/Column", "/Row"}
    cells = [e for e in structure_elements(portfolio) if e.S == "/TD"]
    assert cells and all(len(cell.A.Headers) >= 1 for cell in cells if "/Headers" in cell.A)
    assert sum(1 for cell in cells if "/Headers" in cell.A and len(cell.A.Headers)) > len(cells) // 2


def test_every_portfolio_table_has_its_caption_in_its_structure(rendered, portfolio):
    # A table that runs onto a second page has a second Table element there, without the caption.
    captioned = [
        table
        for table in structure_elements(portfolio)
        if table.S == "/Table"
        and [k for k in table.K if isinstance(k, pikepdf.Dictionary)][0].S == "/Caption"
    ]
    assert len(captioned) == rendered[0].count("<table") > 5


def test_running_headers_and_footers_are_artifacts_not_content(portfolio):
    tags = marked_content_tags(portfolio)
    pages = len(portfolio.pages)
    # At least the four margin boxes (trainee, section, code, page number) on every page but the blank ones.
    assert tags.count("/Artifact") >= 3 * pages
    # Every marked-content sequence left on a page belongs to an element of the structure tree.
    in_tree = {element.objgen for element in structure_elements(portfolio)}
    parent_tree = portfolio.Root.StructTreeRoot.ParentTree.Nums
    for number, page in enumerate(portfolio.pages):
        owners = parent_tree[2 * number + 1]
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and "/MCID" in operands[1]:
                owner = owners[int(operands[1].MCID)]
                assert isinstance(owner, pikepdf.Dictionary) and owner.objgen in in_tree, (number, operands)


def test_the_visit_pack_index_scopes_its_header_cells(world):
    pdf = pikepdf.open(
        BytesIO(
            render_pdf_template(
                "pdf/visit_index.html",
                {
                    "visit": world.visit,
                    "entries": [
                        {
                            "trainee": "Nina Reid",
                            "cohort": "Cohort A",
                            "scheme": "BPS",
                            "submitted_at": "2025-11-30T10:00:00+00:00",
                            "verification_code": "ABCD",
                            "path": "portfolios/nina-reid.pdf",
                            "sha256": "0" * 64,
                        }
                    ],
                    "failures": [],
                    "generated_at": datetime(2025, 12, 1, 9, 0, tzinfo=UTC),
                },
            )
        )
    )
    headers = header_cells(pdf)
    assert {str(h.A.Scope) for h in headers} == {"/Column", "/Row"}
