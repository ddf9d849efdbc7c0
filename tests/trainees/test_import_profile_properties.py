"""Property tests for the profiles' value maps and parsers and the one reading layer; and that nothing is
saved from a refused file read through a profile."""

import io
import string
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.spreadsheets import ContainerLimits, open_table
from tests.imports_files import ods_bytes, text_bytes
from trainees.deidentify import is_valid_nhs_number
from trainees.imports.profiles import SpecProblem, looks_like_nhs_number, normalise_code, read_spec

LIMITS = ContainerLimits(max_entries=50, max_uncompressed_bytes=50_000_000)
FAST = settings(max_examples=80, deadline=None)


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=6))
def test_a_code_is_the_same_with_or_without_leading_zeros(number, padding):
    padded = str(number).zfill(len(str(number)) + padding)
    assert normalise_code(padded) == normalise_code(number) == normalise_code(float(number))
    assert normalise_code(f"  {padded} ") == normalise_code(number)


@FAST
@given(
    st.dictionaries(
        st.integers(min_value=0, max_value=99),
        st.sampled_from(["assessment", "treatment", "review"]),
        min_size=1,
    ),
    st.data(),
)
def test_a_value_map_reads_a_code_however_the_spreadsheet_wrote_it(table, data):
    spec = read_spec("p", "P", {"values": {"type": {f"{k:02d}": v for k, v in table.items()}}})
    code = data.draw(st.sampled_from(sorted(table)))
    written = data.draw(st.sampled_from([code, float(code), f"{code:02d}", str(code), f" {code:03d}"]))
    assert spec.map_value("type", written) == table[code]
    assert spec.map_value("type", 1000 + code) is None


@FAST
@given(st.one_of(st.integers(min_value=0, max_value=9), st.text(max_size=3), st.none()))
def test_only_accepted_attendance_codes_are_kept_and_every_other_is_skipped_with_a_reason(value):
    spec = read_spec(
        "p", "P", {"accept": {"attendance": ["5", "6"]}, "skip": {"attendance": {"3": "did not attend"}}}
    )
    reason = spec.skip_reason("attendance", value)
    key = normalise_code(value)
    if key in ("5", "6"):
        assert reason is None
    elif key == "3":
        assert reason == "did not attend"
    else:
        assert reason and reason.startswith("attendance code")


@FAST
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_the_nhs_number_warning_uses_the_one_check_digit_rule(digits):
    assert looks_like_nhs_number(digits) == is_valid_nhs_number(digits)
    assert looks_like_nhs_number(f"{digits[:3]} {digits[3:6]} {digits[6:]}") == is_valid_nhs_number(digits)
    assert not looks_like_nhs_number(digits + "1")


@FAST
@given(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)),
)
def test_a_sheet_reads_back_the_same_from_ods_csv_and_windows_1252_text(text, number, day):
    rows = [["Heading", "Number", "Day"], [text, number, day]]
    with open_table(io.BytesIO(ods_bytes(rows)), "ods", container=LIMITS, max_columns=10) as (_, read):
        assert list(read) == [("Heading", "Number", "Day"), (text, number, day)]
    accented = [["Café", "Naïve £"], [text, str(number)]]
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        for kind, delimiter in (("csv", ","), ("tsv", "\t")):
            content = text_bytes(accented, delimiter=delimiter, encoding=encoding)
            with open_table(io.BytesIO(content), kind, container=LIMITS, max_columns=10) as (_, read):
                assert [list(r) for r in read] == accented


cells = st.one_of(
    st.none(),
    st.sampled_from(["01", "02", "99", "5", "3", "11", "x", "", "4010232137", "2026-13-01"]),
    st.text(max_size=20),
    st.integers(min_value=-5, max_value=500),
    st.dates(),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=10, max_size=10), min_size=1, max_size=6))
def test_nothing_is_saved_from_an_extract_the_profile_refuses(world, rows):
    from trainees.caseload.importer import import_caseload
    from trainees.imports.reference import load_import_profiles
    from trainees.models import CaseloadImport, Contact, ImportProfile

    load_import_profiles()
    world.enrolment.service_staff_id = "PWP042"
    world.enrolment.save(update_fields=["service_staff_id"])
    today = date.today()
    good = ["", "SR-1", "CC-1", (today - timedelta(days=5)).isoformat(), "01", "02", "5", 45, "", "PWP042"]
    headings = [
        "LocalPatientId",
        "ServiceRequestId",
        "CareContactId",
        "CareContDate",
        "AppType",
        "ConsMechanism",
        "AttendOrDNACode",
        "ClinContDurOfCareCont",
        "CodeProcAndProcStatus",
        "CarePersLocalId",
    ]
    job = CaseloadImport.objects.create(
        enrolment=world.enrolment,
        service=world.enrolment.employing_service,
        profile=ImportProfile.objects.get(code="talking-therapies-v2"),
        original_name="x.csv",
        file_format="csv",
    )
    before = Contact.objects.count()
    result = import_caseload(
        actor=None,
        enrolment=world.enrolment,
        job=job,
        fileobj=io.BytesIO(text_bytes([headings, good, *rows])),
    )
    if not result.ok:
        assert Contact.objects.count() == before
        assert all(p.row and p.row > 1 or not p.row for p in result.errors)
    Contact.objects.filter(case__enrolment=world.enrolment).delete()
    world.enrolment.cases.all().delete()


def test_a_profile_may_record_a_coded_score_only_as_a_measure_the_tracker_keeps():
    read_spec("p", "P", {"scores": {"tools": {"720433000": "phq9", "932621000000100": "wsas-work"}}})
    with pytest.raises(SpecProblem, match="not wsas-wrk"):
        read_spec("p", "P", {"scores": {"tools": {"932621000000100": "wsas-wrk"}}})
