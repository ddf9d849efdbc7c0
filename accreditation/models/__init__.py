"""Accreditation records, one module per topic; import every model here so Django finds it."""

from accreditation.models.portfolios import PortfolioSnapshot, VisitPack, VisitPortfolio, VisitSample
from accreditation.models.visits import Visit, VisitAssignment, VisitQuerySet

__all__ = [
    "PortfolioSnapshot",
    "Visit",
    "VisitAssignment",
    "VisitPack",
    "VisitPortfolio",
    "VisitQuerySet",
    "VisitSample",
]
