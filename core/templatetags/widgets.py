"""Form widgets drawn in Python where a template loop per option was the cost.

`{% load widgets %}{{ widget.optgroups|options_html }}` writes a select's options exactly as Django's
`select_option.html` would (each value and label escaped, `selected` and other attributes as below), in one
pass: a template loop and two nested loops per option made a select of twenty interventions cost more than
the rest of its form. `{{ widget.attrs|attrs_html }}` writes a widget's attributes, for every widget
(`django/forms/widgets/attrs.html`) and every option alike.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def attrs_html(attrs: dict) -> str:
    """Each attribute escaped: `class` left out (the widget's own template writes it with the NHS.UK class),
    False leaves the attribute out, True writes it bare."""
    return mark_safe(  # noqa: S308 - every name and value is escaped
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if name != "class" and value is not False
        )
    )


@register.filter
def options_html(optgroups) -> str:
    parts = []
    for group_name, options, _ in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value, label and attribute is escaped above
