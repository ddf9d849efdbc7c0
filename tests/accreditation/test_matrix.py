"""The cohort readiness matrix: short cells in words, the gap sentences one click away, most to do first."""

import re

import pytest
from django.urls import reverse

from accreditation.engine import CriterionResult
from accreditation.presenters import short_status
from tests.accreditation import factories_readiness as fr

pytestmark = pytest.mark.django_db


def result(*, met=False, value=None, target=None, unit="", kind="contact_hours", gap="A gap"):
    return CriterionResult(
        code="c", kind=kind, description="", met=met, value=value, target=target, unit=unit, gap=gap
    )


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (result(met=True, value=80, target=80, unit="hours"), "Met"),
        (result(value=41, target=45, unit="days"), "4 days short"),
        (result(value=44, target=45, unit="days"), "1 day short"),
        (result(value=78.5, target=80, unit="hours"), "1.5 hours short"),
        (result(value=7, target=9, unit="assessments"), "2 to pass"),
        (result(value=12, target=15, unit="competences"), "3 unsigned"),
        (result(value=45, target=45, unit="days"), "Not met"),  # done, but after the window
        (result(value=None, target=None), "Not met"),
        (result(value=2, target=1, unit="weeks", kind="supervision_frequency"), "Not met"),
        (result(value=1.5, target=3, unit="hours a week"), "Not met"),
    ],
)
def test_a_cell_is_a_short_status_in_words(criterion, words):
    assert short_status(criterion) == words


def test_the_matrix_puts_most_to_do_first_with_the_gaps_one_click_away(
    client, world, schemes, facts_overrides
):
    # The other trainee lacks one competence; the trainee lacks that and 40 hours of contact too.
    facts_overrides["trainee"] = {
        "caseload": fr.caseload(contact_hours=40),
        "competences": fr.competences(unsigned=("sleep-hygiene",)),
    }
    facts_overrides["other.trainee"] = {"competences": fr.competences(unsigned=("sleep-hygiene",))}
    client.force_login(world.users["educator"])
    url = reverse("accreditation:cohort_readiness", args=[world.cohort.code])
    page = client.get(url, {"scheme": "course-completion"}).content.decode()
    trainee, other = world.users["trainee"].display_name, world.users["other_trainee"].display_name
    assert page.index(trainee) < page.index(other)
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', page, re.S)[1:]
    first = rows[0]
    assert "40 hours short" in first and "Met" in first
    # The full sentence is in the row's details, not in a cell of its own.
    details = re.search(r"<details.*?</details>", first, re.S).group(0)
    assert "40 more hours of direct clinical contact" in details
    assert f"for {trainee}" in details  # the summary names whose gaps it opens
    cells = re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', first, re.S)
    assert not any("more hours" in cell for cell in cells if "<details" not in cell)
