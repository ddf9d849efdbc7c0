"""The portfolio PDF: its data, its text and metadata, the URL fetcher, the render cache and the commands."""

import json
import shutil
import socket
import subprocess
import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accreditation.portfolio import cache
from accreditation.portfolio.data import SECTION_BUILDERS, canonical_json, portfolio_data
from accreditation.portfolio.render import (
    PDF_STATIC_URL,
    ProjectStaticFetcher,
    RefusedURL,
    html_to_pdf,
    render_portfolio_pdf,
)
from tests import factories as f
from trainees.enrolment.services import assign_supervisor
from trainees.models import SupervisorAssignment

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext and pdfinfo (poppler-utils) are not installed"
)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def pdfinfo(pdf: bytes, tmp_path, *options) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", *options, str(path)], capture_output=True, check=True, text=True).stdout


def pdf_info(pdf: bytes, tmp_path) -> dict[str, str]:
    lines = pdfinfo(pdf, tmp_path).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


class LoopbackListener:
    """A TCP server on 127.0.0.1 that records every connection (and answers each with a redirect, so a
    fetcher that followed redirects would be caught too)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(5)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    self.connections.append(conn.recv(1024))
                    conn.sendall(b"HTTP/1.0 302 Found\r\nLocation: file:///etc/passwd\r\n\r\n")
                except OSError:
                    self.connections.append(b"")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener():
    with LoopbackListener() as server:
        yield server


@pytest.fixture
def enrolment(curriculum):
    enrolment = f.EnrolmentFactory(
        user=f.UserFactory(first_name="Dana", last_name="Okafor"),
        start_date=date(2025, 1, 6),
        cohort__start_date=date(2025, 1, 6),
    )
    f.SupervisorAssignmentFactory(
        enrolment=enrolment, supervisor=f.UserFactory(first_name="Sam", last_name="Fletcher")
    )
    return enrolment


def test_portfolio_data_is_plain_json_with_the_agreed_keys(enrolment):
    data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
    assert set(data) == {"trainee", "programme", "cohort", "scheme", "generated_at", "sections"}
    assert json.loads(canonical_json(data)) == data  # survives the JSON round trip unchanged
    assert data["generated_at"] == "2025-12-01"
    assert data["scheme"]["code"] == "course-completion"
    assert len(data["sections"]) == len(SECTION_BUILDERS)
    assert all({"key", "title"} <= set(s) for s in data["sections"])
    days = next(s for s in data["sections"] if s["key"] == "training_days")
    assert (days["university_required"], days["workplace_required"]) == (25, 20)
    supervision = next(s for s in data["sections"] if s["key"] == "supervision")
    assert [s["name"] for s in supervision["supervisors"]] == ["Sam Fletcher"]


@needs_poppler
def test_the_contents_give_the_page_each_section_starts_on(enrolment, tmp_path):
    data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
    pages = pdf_text(render_portfolio_pdf(data), tmp_path).split("\f")
    contents = pages[1]
    for section in data["sections"]:
        title = section["title"]
        line = next(line for line in contents.splitlines() if line.strip().startswith(title))
        number = int(line.split()[-1])
        first = next(n for n, page in enumerate(pages, start=1) if n > 2 and title in page)
        assert number == first, title


@needs_poppler
def test_the_pdf_has_cover_contents_running_header_page_numbers_and_metadata(enrolment, tmp_path):
    data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
    pdf = render_portfolio_pdf(data, verification_code="7K3M-Q9TD-2XWB")
    text = pdf_text(pdf, tmp_path)
    info = pdf_info(pdf, tmp_path)
    pages = int(info["Pages"])
    assert pages >= 11  # cover, contents and a page or more per section
    for needle in [
        "Dana Okafor",
        enrolment.cohort.programme.name,
        enrolment.cohort.name,
        "Course completion",
        "1 December 2025",
        "7K3M-Q9TD-2XWB",
        "Contents",
        "Readiness summary",
        "Training days",
        "Index of evidence files",
        "Sam Fletcher",
    ]:
        assert needle in text, needle
    assert text.count("Dana Okafor · PWP training portfolio") == pages  # the running header
    assert text.count("Verification code: 7K3M-Q9TD-2XWB") == pages
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    assert info["Title"] == "PWP training portfolio: Dana Okafor"
    assert info["Author"] == "Dana Okafor"
    assert info["Subject"].startswith("Training portfolio for Course completion")
    assert info["Tagged"] == "yes"
    # Also in the document's own metadata, not only on the pages.
    assert "verificationcode:7K3M-Q9TD-2XWB" in pdfinfo(pdf, tmp_path, "-custom")


@needs_poppler
def test_a_copy_that_is_not_submitted_says_it_cannot_be_verified(enrolment, tmp_path):
    text = pdf_text(render_portfolio_pdf(portfolio_data(enrolment, as_of=date(2025, 12, 1))), tmp_path)
    assert "none (not submitted)" in text
    assert "has not been submitted" in text


def test_the_fetcher_serves_our_static_files_and_data_urls_only(listener):
    fetcher = ProjectStaticFetcher()
    css = fetcher.fetch(PDF_STATIC_URL + "css/pdf.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    for url in [
        "file:///etc/passwd",
        f"http://127.0.0.1:{listener.port}/style.css",
        f"https://127.0.0.1:{listener.port}/style.css",
        "https://example.org/style.css",
        "ftp://example.org/x",
        PDF_STATIC_URL + "../config/settings.py",
        PDF_STATIC_URL + "%2e%2e/config/settings.py",
        PDF_STATIC_URL + "css/../../manage.py",
        PDF_STATIC_URL + "css/no-such-file.css",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert listener.connections == []


def test_even_raw_html_cannot_make_weasyprint_fetch_anything(listener):
    """Belt and braces: if escaping ever failed, the fetcher still refuses. Nothing reaches the listener."""
    port = listener.port
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
    <style>@import url("http://127.0.0.1:{port}/import.css"); @import "file:///etc/passwd";
      body {{ background: url(http://127.0.0.1:{port}/bg.png); }}
      @font-face {{ font-family: x; src: url(http://127.0.0.1:{port}/font.woff); }}</style></head>
    <body><img src="http://127.0.0.1:{port}/img.png" alt=""><img src="file:///etc/hostname" alt="">
    <object data="http://127.0.0.1:{port}/object"></object><embed src="http://127.0.0.1:{port}/embed">
    <svg><image href="http://127.0.0.1:{port}/svg.png" width="5" height="5"/></svg>
    <link rel="attachment" href="file:///etc/passwd"><p>text</p></body></html>"""
    fetcher = ProjectStaticFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert listener.connections == []
    refused = " ".join(fetcher.refused)
    assert f"127.0.0.1:{port}/import.css" in refused
    assert f"127.0.0.1:{port}/img.png" in refused
    assert "file:///etc/hostname" in refused


@needs_poppler
def test_user_entered_text_is_escaped_and_fetches_nothing(enrolment, listener, tmp_path):
    port = listener.port
    user = enrolment.user
    user.first_name = f'<img src="http://127.0.0.1:{port}/name.png">'
    user.last_name = f"@import url(http://127.0.0.1:{port}/x.css);"
    user.save(update_fields=["first_name", "last_name"])
    cohort = enrolment.cohort
    cohort.name = f'<link rel="stylesheet" href="file:///etc/passwd"><style>@import "http://127.0.0.1:{port}/s.css";</style>'
    cohort.intake = f"url(file:///etc/passwd) url('http://127.0.0.1:{port}/intake')"
    cohort.save(update_fields=["name", "intake"])
    service = enrolment.employing_service
    service.name = f'<object data="http://127.0.0.1:{port}/service"></object>'
    service.save(update_fields=["name"])

    data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
    fetcher = ProjectStaticFetcher()
    from accreditation.portfolio.render import render_portfolio_html

    html = render_portfolio_html(data)
    assert "&lt;img src=" in html and '<img src="http' not in html
    assert "&lt;style&gt;@import" in html
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert listener.connections == []
    assert fetcher.refused == []  # escaped text is only text: nothing even asked to be fetched
    text = pdf_text(pdf, tmp_path)
    assert f"@import url(http://127.0.0.1:{port}/x.css);" in text  # shown literally, as typed


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_repeat_download_comes_from_the_cache_and_any_change_changes_the_key(client, enrolment):
    client.force_login(enrolment.user)
    url = reverse("portfolios:trainee_pdf", args=[enrolment.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"].startswith("attachment;")
    first_pdf = body(first)
    second = client.get(url)
    assert body(second) == first_pdf
    events = list(AuditEvent.objects.filter(action="portfolio.downloaded").order_by("id"))
    assert [e.after["cache"] for e in events] == ["miss", "hit"]
    assert events[0].actor == enrolment.user
    assert events[0].after["key"] == events[1].after["key"]

    assign_supervisor(
        actor=None,
        enrolment=enrolment,
        supervisor=f.UserFactory(),
        kind=SupervisorAssignment.Kind.LINE_MANAGER,
        starts_on=enrolment.start_date,
    )
    third = client.get(url)
    assert third.status_code == 200
    changed = AuditEvent.objects.filter(action="portfolio.downloaded").order_by("-id").first()
    assert changed.after["cache"] == "miss"
    assert changed.after["key"] != events[0].after["key"]
    assert changed.after["version"] == events[0].after["version"] + 1


def test_the_template_version_covers_what_the_pdf_templates_include_from_elsewhere(settings):
    from accreditation.portfolio.render import _pdf_source_files

    names = {str(path.relative_to(settings.BASE_DIR)) for path in _pdf_source_files()}
    expected = {"templates/pdf/portfolio.html", "templates/includes/caseload_chart.svg", "static/css/pdf.css"}
    assert expected <= names
    assert all(path.exists() for path in _pdf_source_files())


def test_a_half_written_cache_file_is_not_served(enrolment):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    data = portfolio_data(enrolment, as_of=date(2025, 12, 1))
    name = cache.cache_name(cache.portfolio_cache_key(data))
    default_storage.save(name, ContentFile(b"%PDF-1.7 half of a fi"))
    result = cache.portfolio_pdf(data)
    assert result.hit is False
    assert result.pdf.rstrip().endswith(b"%%EOF")


def test_an_unknown_scheme_is_refused_with_a_message(client, enrolment):
    client.force_login(enrolment.user)
    response = client.get(
        reverse("portfolios:trainee_pdf", args=[enrolment.pk]) + "?scheme=nonsense", follow=True
    )
    assert "There is no scheme with the code" in response.content.decode()


@pytest.mark.parametrize("code", ["%00", "x" * 51])
def test_a_scheme_code_no_render_could_have_is_refused_like_any_unknown_code(client, enrolment, code):
    """The download looks for its stored render in the access query: a code no render could be stored under
    (a NUL, which PostgreSQL refuses as a parameter, or longer than the column) is not looked up."""
    client.force_login(enrolment.user)
    url = reverse("portfolios:trainee_pdf", args=[enrolment.pk]) + f"?scheme={code}"
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "There is no scheme with the code" in response.content.decode()


@needs_poppler
def test_render_portfolio_command_writes_the_pdf_and_audits_it(enrolment, tmp_path):
    out = tmp_path / "out.pdf"
    stdout = StringIO()
    call_command(
        "render_portfolio",
        enrolment.user.username,
        "--scheme",
        "course-completion",
        "-o",
        str(out),
        stdout=stdout,
    )
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Dana Okafor" in pdf_text(out.read_bytes(), tmp_path)
    assert "rendered" in stdout.getvalue()
    assert AuditEvent.objects.filter(
        action="portfolio.downloaded", message="render_portfolio command"
    ).exists()


def test_render_portfolio_command_names_a_missing_trainee(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="nobody has no enrolment"):
        call_command("render_portfolio", "nobody", "-o", str(tmp_path / "x.pdf"))


def test_bench_portfolio_prints_the_render_and_the_repeat_with_its_real_query_count(enrolment):
    stdout = StringIO()
    call_command("bench_portfolio", enrolment.user.username, "--runs", "1", stdout=stdout)
    output = stdout.getvalue()
    assert "render in the worker" in output and "ratio repeat / trivial" in output
    repeat = next(line for line in output.splitlines() if line.startswith("unchanged repeat"))
    assert repeat.endswith(
        " 7 queries"
    )  # the view's own figure (tests/accreditation/test_portfolio_live_cache.py)


def test_the_trainee_page_offers_the_download_to_those_who_may_see_it(client, world):
    client.force_login(world.user("supervisor"))
    page = client.get(reverse("trainees:detail", args=[world.enrolment.pk])).content.decode()
    assert reverse("portfolios:trainee_pdf", args=[world.enrolment.pk]) in page
    client.force_login(world.user("other_trainee"))
    assert client.get(reverse("portfolios:trainee_pdf", args=[world.enrolment.pk])).status_code == 404


def test_dates_in_the_data_follow_as_of(enrolment):
    later = timezone.localdate() + timedelta(days=1)
    assert portfolio_data(enrolment, as_of=later)["generated_at"] == later.isoformat()


def test_hours_read_as_people_write_them():
    from accreditation.templatetags.portfolio_tags import plain_number

    assert [plain_number(v) for v in (7.25, 3.5, 3.0, 12, 0.333, "–", None)] == [
        "7.25",
        "3.5",
        "3",
        "12",
        "0.33",
        "–",
        None,
    ]
