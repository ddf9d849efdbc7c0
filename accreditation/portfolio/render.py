"""Portfolio data -> HTML (a Django template, so user text is escaped) -> PDF (WeasyPrint).

WeasyPrint gets a URL fetcher that serves only the project's own static files (under a made-up origin
that is never contacted) and `data:` URLs. Everything else is refused without opening a connection:
`file:`, `http(s)` to any real host, and therefore any redirect.
"""

import hashlib
import logging
import mimetypes
import re
from functools import lru_cache
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, OpenerDirector, Request

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

from accreditation.portfolio import pdf_tags

logger = logging.getLogger(__name__)

# A reserved top-level domain (RFC 2606): no request to it could ever leave the machine, and the fetcher
# never makes one. It only gives relative URLs in the templates something to resolve against.
PDF_BASE_URL = "https://pwp-tracker.invalid/"
PDF_STATIC_URL = PDF_BASE_URL + "static/"

PORTFOLIO_TEMPLATE = "pdf/portfolio.html"
INCLUDE = re.compile(r'{%\s*include\s+"([^"]+)"')
# Tagged PDF/UA-1: a screen reader can follow headings, lists and tables; WeasyPrint adds the metadata.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


class RefusedURL(ValueError):
    """The PDF asked for something other than our static files or a data: URL."""


class ProjectStaticFetcher(URLFetcher):
    """Serves `PDF_STATIC_URL...` from the project's static files and `data:` URLs; refuses all else."""

    def __init__(self):
        # Deliberately not URLFetcher.__init__: that installs HTTP, FTP and file handlers (and builds an SSL
        # context, 35 ms a render). With no handlers at all, nothing here can open a connection or a file.
        OpenerDirector.__init__(self)
        self._timeout, self._http_headers, self._request = 1, {}, None
        self._allowed_protocols, self._fail_on_errors = ("data",), False
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return self._data(url)
        if url.startswith(PDF_STATIC_URL):
            return self._static(url)
        self.refused.append(url)
        logger.warning("Portfolio PDF: refused to fetch %s", url[:200])
        raise RefusedURL(f"Only the tracker's own static files may appear in a PDF, not {url[:200]}")

    def _data(self, url):
        response = DataHandler().data_open(Request(url))  # noqa: S310 (only data: URLs reach here)
        return URLFetcherResponse(
            url, body=response.read(), headers={"Content-Type": response.headers["Content-Type"]}
        )

    def _static(self, url):
        name = unquote(urlsplit(url).path)[len(urlsplit(PDF_STATIC_URL).path) :]
        if not name or name.startswith("/") or "\\" in name or normpath(name) != name or ".." in name:
            self.refused.append(url)
            raise RefusedURL(f"Not a static file name: {name[:200]}")
        path = finders.find(name)
        if path:
            body = Path(path).read_bytes()
        elif staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                body = handle.read()
        else:
            self.refused.append(url)
            raise RefusedURL(f"No such static file: {name[:200]}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _pdf_source_files() -> list[Path]:
    """The PDF templates, what they include from elsewhere (the caseload chart), the status-tag colours they
    draw with and the stylesheet."""
    base = Path(settings.BASE_DIR)
    own = sorted((base / "templates" / "pdf").rglob("*.html"))
    included = {name for path in own for name in INCLUDE.findall(path.read_text())}
    elsewhere = sorted(base / "templates" / name for name in included if not name.startswith("pdf/"))
    status_colours = base / "core" / "templatetags" / "status.py"
    return own + elsewhere + [status_colours, base / "static" / "css" / "pdf.css"]


@lru_cache(maxsize=1)
def template_version() -> str:
    """A fingerprint of everything besides the data that shapes the PDF: the PDF templates, their
    stylesheet, the WeasyPrint version and options. Part of the render cache key, so editing a template
    invalidates every cached PDF without anyone remembering to bump a number."""
    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__} {sorted(PDF_OPTIONS.items())}".encode())
    digest.update(Path(pdf_tags.__file__).read_bytes())  # the tagging finisher shapes the PDF too
    for path in _pdf_source_files():
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def render_portfolio_html(data: dict, *, verification_code: str | None = None) -> str:
    context = {
        "data": data,
        "sections": data["sections"],
        "verification_code": verification_code,
        "static_base": PDF_STATIC_URL,
        "site_url": settings.SITE_URL,
    }
    return render_to_string(PORTFOLIO_TEMPLATE, context)


def html_document(html: str, *, fetcher: ProjectStaticFetcher | None = None) -> weasyprint.HTML:
    return weasyprint.HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher or ProjectStaticFetcher(), media_type="print"
    )


def html_to_pdf(html: str, *, fetcher: ProjectStaticFetcher | None = None) -> bytes:
    # The finisher scopes table header cells and marks running headers and footers as artifacts (PDF/UA).
    return html_document(html, fetcher=fetcher).write_pdf(finisher=pdf_tags.finish, **PDF_OPTIONS)


def render_portfolio_pdf(data: dict, *, verification_code: str | None = None) -> bytes:
    """The portfolio as PDF bytes. With a verification code (a submitted snapshot) the code is printed on
    the cover and every page and stored in the document's metadata."""
    return html_to_pdf(render_portfolio_html(data, verification_code=verification_code))


def render_pdf_template(template: str, context: dict) -> bytes:
    """Any other PDF (the visit pack's index) through the same template, stylesheet and fetcher."""
    html = render_to_string(
        template, {**context, "static_base": PDF_STATIC_URL, "site_url": settings.SITE_URL}
    )
    return html_to_pdf(html)
