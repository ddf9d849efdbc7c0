"""The render cache: a portfolio PDF is rendered once per distinct content.

The key is a SHA-256 of the canonical JSON of the portfolio data plus the template version, so a repeat
download of unchanged records is a storage read, and any change to a record the portfolio shows (or to the
templates) gives a new key. Nothing needs invalidating by hand: stale entries are simply never asked for
again. PDFs live in the default storage, so every web process and worker, on any machine, shares them.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accreditation.portfolio.data import canonical_json
from accreditation.portfolio.render import render_portfolio_pdf, template_version

CACHE_DIR = "portfolios/cache"


@dataclass(frozen=True)
class CachedPdf:
    pdf: bytes
    key: str
    hit: bool


def portfolio_cache_key(data: dict) -> str:
    digest = hashlib.sha256(canonical_json(data))
    digest.update(b"\0template " + template_version().encode())
    return digest.hexdigest()


def cache_name(key: str) -> str:
    return f"{CACHE_DIR}/{key[:2]}/{key}.pdf"


def portfolio_pdf(data: dict) -> CachedPdf:
    """The unsubmitted (no verification code) PDF of this data, from the cache when it is there."""
    key = portfolio_cache_key(data)
    name = cache_name(key)
    try:
        with default_storage.open(name, "rb") as handle:
            cached = handle.read()
    except FileNotFoundError:
        cached = b""
    # A PDF still being written by another process has no end-of-file marker yet: render our own.
    if cached.rstrip().endswith(b"%%EOF"):
        return CachedPdf(pdf=cached, key=key, hit=True)
    pdf = render_portfolio_pdf(data)
    if cached:
        return CachedPdf(pdf=pdf, key=key, hit=False)
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # Another process rendered the same content at the same moment; keep one copy.
        default_storage.delete(saved)
    return CachedPdf(pdf=pdf, key=key, hit=False)


def forget(data: dict) -> None:
    """Drop the cached PDF of this data (the benchmark uses it to time a cold render)."""
    default_storage.delete(cache_name(portfolio_cache_key(data)))
