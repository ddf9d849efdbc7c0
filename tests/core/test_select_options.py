"""Select options are drawn in Python (core/templatetags/widgets.py): the same HTML as Django's own
templates would write, escaped the same way."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from config.forms import AccessibleFormRenderer

CHOICES = [
    ("", "Any intervention"),
    ("Step 2", [(1, "Behavioural activation"), (2, 'Worry "time" & <problem> solving')]),
    (3, "Guided self-help"),
    (None, "Not recorded"),
]


def options(html: str) -> str:
    """The options and groups, whitespace between tags removed."""
    inner = html[html.index(">") + 1 : html.rindex("</select>")]
    return re.sub(r">\s+<", "><", inner.strip())


def test_the_options_are_those_djangos_own_templates_write():
    widget = forms.Select(choices=CHOICES)
    for value in ("", 2, 3, "no such"):
        ours = widget.render("intervention", value, renderer=AccessibleFormRenderer())
        djangos = widget.render("intervention", value, renderer=DjangoTemplates())
        assert options(ours) == options(djangos)
        assert ours.startswith('<select name="intervention" class="nhsuk-select"')


def test_labels_and_values_are_escaped_and_the_chosen_option_selected():
    html = forms.Select(choices=CHOICES).render("intervention", 2, renderer=AccessibleFormRenderer())
    assert '<optgroup label="Step 2">' in html
    assert '<option value="2" selected>Worry &quot;time&quot; &amp; &lt;problem&gt; solving</option>' in html
    assert "<problem>" not in html
    assert html.count(" selected") == 1
