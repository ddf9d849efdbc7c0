"""The importer's shortcuts for speed keep its answers: values read once, lookups per batch, not per row."""

import pytest

from tests.trainees.test_caseload_import import csv_bytes, day, run, valid_rows
from trainees.caseload.importer import limits
from trainees.caseload.importer.rows import _memoised
from trainees.models import Contact

pytestmark = pytest.mark.django_db


def test_a_value_is_read_once_and_told_apart_from_equal_values_of_other_types():
    calls = []

    def read(value):
        calls.append(value)
        if value == "bad":
            raise ValueError(value)
        return type(value).__name__

    reader = _memoised(read)
    assert [reader(v) for v in (1, 1, "1", True, 1.0, "1")] == ["int", "int", "str", "bool", "float", "str"]
    assert calls == [1, "1", True, 1.0]
    for _ in range(2):  # a value that fails is read (and refused) each time it comes
        with pytest.raises(ValueError):
            reader("bad")
    assert calls.count("bad") == 2


def test_a_repeated_bad_reference_is_reported_on_every_row_that_has_it(world):
    rows = valid_rows() + [
        ["John Smith", day(5).isoformat(), "Assessment", "Telephone", "", 45, "", "", "", ""],
        ["John Smith", day(4).isoformat(), "Review", "Telephone", "", 30, "", "", "", ""],
    ]
    result = run(world, csv_bytes(rows))
    assert not result.ok and Contact.objects.count() == 0
    assert [p.row for p in result.errors] == [7, 8]
    assert all("looks like a name" in p.reason for p in result.errors)


def test_rows_over_several_batches_are_all_saved_once_and_recognised_again(world, monkeypatch):
    monkeypatch.setattr(limits, "BATCH_SIZE", 2)
    world.enrolment.start_date = day(100)
    world.enrolment.save(update_fields=["start_date"])
    first = run(world, csv_bytes(valid_rows()))
    assert (first.contacts_created, first.cases_created, first.duplicates) == (5, 2, 0)
    again = run(world, csv_bytes(valid_rows()))
    assert (again.contacts_created, again.cases_created, again.duplicates) == (0, 0, 5)
    assert Contact.objects.count() == 5
