"""A student number belongs to one student at an institution (the programme's education provider), across
its programmes and cohorts: the database refuses a clash (a trigger, on SQLite and PostgreSQL alike), and the
intake, transfers and corrections name it in words, without ids. The same person may keep their number on
another enrolment at the institution, and another institution may use the same number."""

import pytest
from django.db import IntegrityError, transaction

from accounts.services import DomainError
from tests import factories as f
from tests.trainees.intake_files import csv_file, make_setting, row
from trainees.enrolment.intake import run_intake
from trainees.enrolment.services import transfer_cohort, update_enrolment
from trainees.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes(curriculum):
    """Two programmes of one university (so two cohorts), and a programme of another university."""
    university = f.OrganisationFactory(name="University of Northvale")
    first = f.CohortFactory(programme=f.ProgrammeFactory(hei=university), code="nv-a")
    second = f.CohortFactory(programme=f.ProgrammeFactory(hei=university), code="nv-b")
    elsewhere = f.CohortFactory(programme=f.ProgrammeFactory(), code="sm-a")
    return first, second, elsewhere


def test_the_database_refuses_another_students_number_anywhere_at_the_institution(two_programmes):
    first, second, elsewhere = two_programmes
    holder = f.EnrolmentFactory(cohort=first, student_number="S123")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.EnrolmentFactory(cohort=second, student_number="S123")  # another programme, same university
    with pytest.raises(IntegrityError), transaction.atomic():
        other = f.EnrolmentFactory(cohort=second, student_number="")
        Enrolment.objects.filter(pk=other.pk).update(student_number="S123")
    f.EnrolmentFactory(cohort=second, user=holder.user, student_number="S123")  # the same person: allowed
    f.EnrolmentFactory(cohort=elsewhere, student_number="S123")  # another university: allowed
    f.EnrolmentFactory(cohort=second, student_number="")  # no number is never a clash
    assert Enrolment.objects.filter(student_number="S123").count() == 3


def test_a_correction_or_transfer_names_the_clash_in_words(two_programmes, curriculum):
    first, second, _ = two_programmes
    f.EnrolmentFactory(cohort=first, student_number="S123")
    moving = f.EnrolmentFactory(cohort=second, student_number="S456")
    admin = f.AdministratorFactory(organisation=first.programme.hei).user
    with pytest.raises(DomainError) as refused:
        update_enrolment(actor=admin, enrolment=moving, changes={"student_number": "S123"})
    assert str(refused.value) == (
        "Student number S123 already belongs to another student at University of Northvale."
    )
    third = f.CohortFactory(programme=first.programme, code="nv-c")
    clashing = f.EnrolmentFactory(
        cohort=f.CohortFactory(programme=f.ProgrammeFactory()), student_number="S123"
    )
    f.AdministratorFactory(organisation=clashing.cohort.programme.hei, user=admin)
    with pytest.raises(
        DomainError, match="S123 already belongs to another student at University of Northvale"
    ):
        transfer_cohort(actor=admin, enrolment=clashing, cohort=third, on=third.start_date, reason="Moved")


def test_the_intake_refuses_a_number_held_on_another_programme_of_the_institution(curriculum):
    admin, cohort, _ = make_setting()
    university = cohort.programme.hei
    other_programme = f.CohortFactory(programme=f.ProgrammeFactory(hei=university))
    f.EnrolmentFactory(cohort=other_programme, student_number="S00001")
    result = run_intake(
        actor=admin, cohort=cohort, fileobj=csv_file([row(1), row(2)]), filename="in.csv", save=True
    )
    assert not result.saved
    [problem] = result.problems
    assert (problem.row, problem.column) == (2, "Student number")
    assert problem.message == f"S00001 already belongs to another student at {university}."
