"""Records are named in words, never by database id: what the audit trail and the Django admin show
(`object_repr` is each record's `str`)."""

import re

import pytest

from assessments.models import SignOff
from tests.assessments import factories_assessments as fa

pytestmark = pytest.mark.django_db


def test_a_sign_off_is_named_by_its_competence_and_trainee(world):
    fa.no_sampling(world.programme)
    sign_off = SignOff.objects.get(attempt=fa.signed(world.enrolment))
    text = str(sign_off)
    assert text.startswith(f"{sign_off.competence} signed off for {world.enrolment.user.display_name} on ")
    assert str(world.enrolment.pk) not in re.sub(r"\d{1,2} \w+ \d{4}", "", text)
