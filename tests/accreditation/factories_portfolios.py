"""Snapshots without rendering: a small stand-in PDF whose hash is recorded like a real one's.

For tests of access, sampling, packs and query counts, where the PDF's content does not matter. Tests of
the PDF itself submit through `accreditation.portfolio.services.submit_portfolio`.
"""

import hashlib

import factory
from django.core.files.base import ContentFile

from accreditation.models import PortfolioSnapshot, VisitPortfolio
from accreditation.models.portfolios import new_verification_code
from tests import factories as f


def fake_pdf(text: str) -> bytes:
    return b"%PDF-1.7\n% stand-in for tests: " + text.encode() + b"\n%%EOF\n"


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioSnapshot

    enrolment = factory.SubFactory(f.EnrolmentFactory)
    scheme_code = "course-completion"
    data = factory.LazyAttribute(
        lambda s: {
            "trainee": {"name": s.enrolment.user.display_name},
            "programme": {"name": s.enrolment.cohort.programme.name},
            "cohort": {"name": s.enrolment.cohort.name},
            "scheme": {"code": "course-completion", "name": "Course completion", "version": ""},
            "generated_at": "2026-01-01",
            "sections": [],
        }
    )
    data_sha256 = "0" * 64
    verification_code = factory.LazyFunction(new_verification_code)
    pdf = factory.LazyAttribute(
        lambda s: ContentFile(s.body, name="portfolio.pdf") if s.store_file else "none.pdf"
    )
    pdf_sha256 = factory.LazyAttribute(lambda s: hashlib.sha256(s.body).hexdigest())
    pdf_size = factory.LazyAttribute(lambda s: len(s.body))
    submitted_by = factory.LazyAttribute(lambda s: s.enrolment.user)

    class Params:
        body = factory.LazyAttribute(lambda s: fake_pdf(s.verification_code))
        store_file = True  # False: a row only, for tests that never open the file (fast in bulk)


class VisitPortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPortfolio

    visit = factory.SubFactory(f.VisitFactory)
    snapshot = factory.SubFactory(SnapshotFactory)
    added_by = factory.SubFactory(f.UserFactory)


# How a weekly one-to-one case-management session with Sam Fletcher reads in a portfolio's supervision data.
SAM_WEEKLY = {
    "minutes": 60,
    "format": "Individual",
    "group_size": None,
    "supervisor": "Sam Fletcher",
    "credentialed": True,
    "live_assessment": None,
}
