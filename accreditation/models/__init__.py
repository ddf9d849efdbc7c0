"""Accreditation records, one module per topic; import every model here so Django finds it."""

from accreditation.models.portfolios import (
    PortfolioRender,
    PortfolioSnapshot,
    VisitPack,
    VisitPortfolio,
    VisitSample,
)
from accreditation.models.schemes import Criterion, Scheme, SchemeVersion
from accreditation.models.visits import Visit, VisitAssignment, VisitQuerySet

__all__ = [
    "Criterion",
    "PortfolioRender",
    "PortfolioSnapshot",
    "Scheme",
    "SchemeVersion",
    "Visit",
    "VisitAssignment",
    "VisitPack",
    "VisitPortfolio",
    "VisitQuerySet",
    "VisitSample",
]
