import pytest

from curriculum.models import Competence, CurriculumEdition, Intervention, Route
from curriculum.reference import load_curriculum

pytestmark = pytest.mark.django_db

SEVEN = {
    "behavioural-activation",
    "exposure-therapy",
    "cognitive-restructuring",
    "medication-support",
    "problem-solving",
    "panic-management",
    "sleep-hygiene",
}


def test_the_standard_route_is_45_days_25_at_university_and_20_in_the_workplace(curriculum):
    route = Route.objects.get(edition__is_current=True, code="standard")
    assert route.day_totals() == {"university": 25, "workplace": 20}
    assert route.window_months == 12


def test_the_cpd_route_is_modules_1_and_2_only_15_plus_10_days(curriculum):
    route = Route.objects.get(edition__is_current=True, code="cpd")
    assert route.day_totals() == {"university": 15, "workplace": 10}
    assert sorted(route.modules.values_list("number", flat=True)) == [1, 2]


def test_the_seven_interventions_and_the_other_competences_are_tied_to_modules(curriculum):
    assert set(Intervention.objects.filter(core=True).values_list("code", flat=True)) == SEVEN
    current = Competence.objects.filter(edition__is_current=True)
    assert set(current.filter(kind="intervention").values_list("code", flat=True)) == SEVEN
    assert current.get(kind="assessment").module.number == 1
    assert current.get(kind="values").module.number == 3


def test_both_editions_are_data_2011_with_four_modules_current_with_three(curriculum):
    assert CurriculumEdition.objects.get(code="pwp-2011").modules.count() == 4
    current = CurriculumEdition.objects.get(is_current=True)
    assert current.modules.count() == 3
    assert Route.objects.get(edition__code="pwp-2011", code="standard").day_totals() == {
        "university": 25,
        "workplace": 20,
    }


def test_loading_again_updates_rather_than_duplicates(curriculum):
    before = Competence.objects.count(), Route.objects.count(), Intervention.objects.count()
    load_curriculum()
    assert (Competence.objects.count(), Route.objects.count(), Intervention.objects.count()) == before
