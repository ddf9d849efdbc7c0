"""Property tests: the importer never crashes on arbitrary cells or bytes, and never saves part of a file."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from trainees.caseload.importer import FIELDS, ImportResult, import_caseload, import_rows, limits
from trainees.models import Case, CaseloadImport, Contact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADINGS = [field.label for field in FIELDS]
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

plausible = st.sampled_from(
    [
        "NV-000001",
        "NV-000002",
        "9434765919",
        "Assessment",
        "treatment",
        "Discharge",
        "Telephone",
        "F2F",
        "Behavioural activation",
        "panic-management",
        "Discharged",
        "depression",
        (TODAY - timedelta(days=3)).isoformat(),
        (TODAY - timedelta(days=3)).strftime("%d/%m/%Y"),
        "31/02/2026",
        "45",
        "30.0",
        "-1",
        "",
        " ",
    ]
)
cells = st.one_of(
    st.none(),
    plausible,
    st.text(max_size=40),
    st.text(min_size=400, max_size=700),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
rows = st.lists(st.lists(cells, max_size=14), max_size=8)
headers = st.one_of(
    st.just(HEADINGS), st.lists(st.one_of(st.none(), plausible, st.text(max_size=20)), max_size=14)
)


@pytest.fixture
def enrolment(curriculum):
    cohort = f.CohortFactory(start_date=TODAY - timedelta(days=200))
    return f.EnrolmentFactory(cohort=cohort)


def attempt(enrolment, *, header, body, dry_run=False) -> ImportResult:
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        original_name="property.xlsx",
        file_format="xlsx",
        dry_run=dry_run,
    )
    return import_rows(actor=None, enrolment=enrolment, job=job, sheet="Sheet1", rows=[header, *body])


@PROPERTY_SETTINGS
@given(header=headers, body=rows)
def test_arbitrary_cell_values_never_crash_the_importer(enrolment, header, body):
    with transaction.atomic():
        result = attempt(enrolment, header=header, body=body)
        assert isinstance(result, ImportResult)
        for problem in result.errors:
            assert problem.reason and problem.sheet == "Sheet1"
            assert "9434765919" not in problem.reason  # an NHS number is never echoed back
        if not result.ok:
            assert Contact.objects.count() == 0 and Case.objects.count() == 0
        else:
            assert Contact.objects.count() == result.contacts_created
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(content=st.binary(max_size=3000), name=st.sampled_from(["export.csv", "export.xlsx", "export.txt"]))
def test_arbitrary_bytes_never_crash_the_importer(enrolment, content, name):
    with transaction.atomic():
        job = CaseloadImport.objects.create(
            enrolment=enrolment, service=enrolment.employing_service, original_name=name, file_format="csv"
        )
        result = import_caseload(actor=None, enrolment=enrolment, job=job, fileobj=io.BytesIO(content))
        assert isinstance(result, ImportResult)
        assert result.ok or Contact.objects.count() == 0
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=600))
def test_arbitrary_text_in_a_csv_never_crashes_the_importer(enrolment, text):
    content = (",".join(HEADINGS) + "\n" + text).encode("utf-8")
    with transaction.atomic():
        job = CaseloadImport.objects.create(
            enrolment=enrolment, service=enrolment.employing_service, original_name="x.csv", file_format="csv"
        )
        result = import_caseload(actor=None, enrolment=enrolment, job=job, fileobj=io.BytesIO(content))
        assert result.ok or Contact.objects.count() == 0
        transaction.set_rollback(True)


valid_row = st.builds(
    lambda ref, days, kind, mode, minutes: [
        f"NV-{ref:06d}",
        (TODAY - timedelta(days=days)).isoformat(),
        kind,
        mode,
        "Problem solving" if kind == "Treatment" else "",
        minutes,
    ],
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=150),
    st.sampled_from(["Assessment", "Treatment", "Review"]),
    st.sampled_from(["Telephone", "Video", "Face to face", "Group"]),
    st.integers(min_value=1, max_value=240),
)
invalid_row = st.sampled_from(
    [
        ["9434765919", (TODAY - timedelta(days=2)).isoformat(), "Assessment", "Telephone", "", 45],
        ["NV-000001", "not a date", "Assessment", "Telephone", "", 45],
        ["NV-000001", (TODAY + timedelta(days=2)).isoformat(), "Assessment", "Telephone", "", 45],
        ["NV-000001", (TODAY - timedelta(days=2)).isoformat(), "Treatment", "Telephone", "", 45],
        ["NV-000001", (TODAY - timedelta(days=2)).isoformat(), "Assessment", "Carrier pigeon", "", 45],
        ["NV-000001", (TODAY - timedelta(days=2)).isoformat(), "Assessment", "Telephone", "", 0],
        ["NV-000001", (TODAY - timedelta(days=400)).isoformat(), "Assessment", "Telephone", "", 45],
    ]
)


@PROPERTY_SETTINGS
@given(
    good=st.lists(valid_row, min_size=1, max_size=25),
    bad=st.lists(st.tuples(st.integers(min_value=0, max_value=25), invalid_row), max_size=3),
    dry_run=st.booleans(),
)
def test_a_file_is_saved_whole_or_not_at_all(enrolment, monkeypatch, good, bad, dry_run):
    # Small batches, so that rows before a bad one have already been written when it is found.
    monkeypatch.setattr(limits, "BATCH_SIZE", 3)
    body = [list(row) for row in good]
    for position, row in bad:
        body.insert(min(position, len(body)), list(row))
    header = ["Case reference", "Date", "Type", "Mode", "Intervention", "Minutes"]
    with transaction.atomic():
        before = Contact.objects.count(), Case.objects.count()
        result = attempt(enrolment, header=header, body=body, dry_run=dry_run)
        after = Contact.objects.count(), Case.objects.count()
        distinct = {(row[0], row[1], row[2]) for row in good}
        if bad:
            assert not result.ok and after == before
            assert len({p.row for p in result.errors}) == len(bad)
        elif dry_run:
            assert result.ok and after == before
            assert result.contacts_created == len(distinct)
        else:
            assert result.ok and after[0] - before[0] == len(distinct)
            assert result.duplicates == len(good) - len(distinct)
            assert after[1] - before[1] == len({row[0] for row in good})
        transaction.set_rollback(True)


def test_decimal_and_float_minutes_are_whole_numbers_or_problems(enrolment):
    header = ["Case reference", "Date", "Type", "Mode", "Minutes"]
    yesterday = TODAY - timedelta(days=1)
    body = [
        ["NV-1", yesterday, "Assessment", "Telephone", Decimal("45")],
        ["NV-2", yesterday, "Assessment", "Telephone", 30.0],
        ["NV-3", yesterday, "Assessment", "Telephone", 30.5],
        ["NV-4", yesterday, "Assessment", "Telephone", float("nan")],
        ["NV-5", yesterday, "Assessment", "Telephone", True],
    ]
    result = attempt(enrolment, header=header, body=body)
    assert [(p.row, p.column) for p in result.errors] == [(4, "E"), (5, "E"), (6, "E")]
