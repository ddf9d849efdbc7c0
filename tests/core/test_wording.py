"""Dates, wording and status tags shared by every app: one implementation each, tested here."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from assessments.selectors import STATUS_LABELS as COMPETENCE_STATUSES
from assessments.templatetags.assessment_tags import OUTCOME_LABELS
from core.dates import add_months, long_date
from core.templatetags.status import STATUS_COLOURS, status_tag, tag_colour
from core.wording import listing, number, plural
from trainees.attendance.engine import STATUS_LABELS as TRAINING_DAYS_STATUSES
from trainees.caseload.selectors import STATUS_LABELS as CASELOAD_STATUSES
from trainees.supervision.engine import CREDENTIALED, NOT_CREDENTIALED, REFRESHER_DUE

# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # 31 January + 1 month: the last day of February
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # in a leap year, 29 February
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # 29 February + a year: 28 February
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # ... or 29 February again four years on
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards too
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the end of a year
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_it_to_the_end_of_a_short_month(day, months, expected):
    assert add_months(day, months) == expected


def test_long_date_is_written_without_a_leading_zero_or_weekday():
    assert long_date(date(2026, 3, 1)) == "1 March 2026"
    assert long_date(date(2026, 12, 25)) == "25 December 2026"


# --- wording -----------------------------------------------------------------------------------------------


def test_plural_uses_the_singular_for_one_only():
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(2, "day") == "2 days"
    assert plural(1.0, "hour") == "1 hour"
    assert plural(1.5, "hour") == "1.5 hours"


def test_plural_takes_an_irregular_plural():
    assert plural(1, "case is", "cases are") == "1 case is"
    assert plural(3, "case is", "cases are") == "3 cases are"


def test_numbers_drop_trailing_zeros_and_keep_two_decimal_places_at_most():
    assert number(7) == "7"
    assert number(7.0) == "7"
    assert number(7.5) == "7.5"
    assert number(1 / 3) == "0.33"
    assert number(1234567) == "1234567"  # a whole number is never put in scientific notation


def test_listing_joins_with_commas_and_a_final_and():
    assert listing([]) == ""
    assert listing(["a"]) == "a"
    assert listing(["a", "b"]) == "a and b"
    assert listing(iter(["a", "b", "c"])) == "a, b and c"


# --- status tags -------------------------------------------------------------------------------------------

PRODUCT_STATUSES = {
    *TRAINING_DAYS_STATUSES,
    *CASELOAD_STATUSES,
    *COMPETENCE_STATUSES,
    *OUTCOME_LABELS,
    CREDENTIALED,
    REFRESHER_DUE,
    NOT_CREDENTIALED,
    "compliant",  # SupervisionCompliance.status
    "gaps",
    "met",  # a supervisor's week: SupervisionRow.week_status
    "awaiting",
    "not_yet",
}


@pytest.mark.parametrize("status", sorted(PRODUCT_STATUSES))
def test_every_status_the_product_computes_has_a_tag_colour(status):
    assert tag_colour(status) in {"green", "blue", "yellow", "orange", "red", "grey"}


def test_every_status_a_template_names_has_a_tag_colour():
    named = set()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            named |= set(re.findall(r'{% status_tag "([a-z_]+)"', path.read_text()))
    assert named, "the templates name no status at all: the pattern is out of date"
    assert named - STATUS_COLOURS.keys() == set()


def test_a_status_without_a_colour_is_an_error_not_a_grey_tag():
    with pytest.raises(ValueError, match="mystery"):
        status_tag("mystery", "Mystery")


def test_the_tag_is_the_nhs_markup_with_the_label_escaped():
    assert status_tag("at_risk", "At <risk>") == (
        '<strong class="nhsuk-tag nhsuk-tag--yellow">At &lt;risk&gt;</strong>'
    )
    template = Template('{% load status %}{% status_tag "meets_ratio" "Meets 1 to " n %}')
    rendered = template.render(Context({"n": 4}))
    assert rendered == '<strong class="nhsuk-tag nhsuk-tag--green">Meets 1 to 4</strong>'


def test_no_two_template_libraries_define_the_same_tag():
    """A template that loads both would silently get the one loaded last (as `status_tag` once did)."""
    from collections import defaultdict
    from importlib import import_module

    from django.template import engines

    defined = defaultdict(list)
    for name, path in engines["django"].engine.libraries.items():
        for tag in import_module(path).register.tags:
            defined[tag].append(name)
    assert {tag: names for tag, names in defined.items() if len(names) > 1} == {}
