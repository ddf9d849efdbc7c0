"""The page title's "Error: " prefix, shared by every page through base.html (NHS.UK error pattern)."""

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet

register = template.Library()


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm | BaseFormSet):
        # Only a submitted form can have errors; checking an unbound one must not run validation.
        return value.is_bound and not value.is_valid()
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " when any form on the page failed validation, so the title says so first (WCAG 3.3.1).
    Views name their forms differently (form, add_form, move_form...), so look at every value."""
    return "Error: " if any(_has_errors(value) for value in context.flatten().values()) else ""
