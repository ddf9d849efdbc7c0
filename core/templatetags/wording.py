"""Numbers as people write them, for templates: `{% load wording %}`."""

from django import template

from core.wording import hours

register = template.Library()


@register.filter
def in_hours(value, nothing=None):
    """1.6667 -> "1 hour 40 minutes": hours in words, as every page and export writes them. With an argument,
    that argument instead of "0 hours" when the value is less than half a minute: `|in_hours:"None"`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if nothing is not None and not round(value * 60):
        return nothing
    return hours(value)
