"""Accreditation records, one module per topic; import every model here so Django finds it."""

from accreditation.models.visits import Visit, VisitAssignment, VisitQuerySet

__all__ = ["Visit", "VisitAssignment", "VisitQuerySet"]
