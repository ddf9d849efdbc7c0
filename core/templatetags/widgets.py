"""Form widgets drawn in Python where a template loop per option was the cost.

`{% load widgets %}{{ widget.optgroups|options_html }}` writes a select's options exactly as Django's
`select_option.html` would (each value and label escaped, `selected` and other attributes as written by
`attrs.html`), in one pass: a template loop and two nested loops per option made a select of twenty
interventions cost more than the rest of its form.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


def _attrs(attrs: dict) -> str:
    """As `django/forms/widgets/attrs.html`: `class` is left out (the select carries it), False leaves the
    attribute out, True writes it bare."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if name != "class" and value is not False
    )


@register.filter
def options_html(optgroups) -> str:
    parts = []
    for group_name, options, _ in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value, label and attribute is escaped above
