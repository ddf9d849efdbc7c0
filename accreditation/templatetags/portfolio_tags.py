"""Filters for templates that show portfolio data, whose dates are ISO strings (it is JSON)."""

import re
from datetime import date, datetime

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

register = template.Library()


@register.filter
def isodate(value):
    """'2026-01-15' -> date, '2026-01-15T10:00:00+00:00' -> datetime; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return value


@register.filter
def plain_number(value):
    """7.25 -> "7.25", 3.5 -> "3.5", 3.0 -> "3": hours as people write them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


@register.filter
def section_template(section) -> str:
    """The template for a portfolio section. An old snapshot may name a section whose template has since
    gone; it then shows a short note rather than failing (its PDF, frozen, still has everything)."""
    key = section.get("key", "") if isinstance(section, dict) else ""
    name = f"pdf/sections/{key}.html"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        return "pdf/sections/_unknown.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return "pdf/sections/_unknown.html"
    return name
