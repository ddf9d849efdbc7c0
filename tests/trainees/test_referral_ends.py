"""Referral ends (NHS Talking Therapies IDS101: ServiceRequestId, ServDischDate, EndCode) as a companion file
of the talking-therapies-v2 profile: matching cases close through the caseload service, with the ending
code's meaning in words; the rest is counted by reason; applying the same ends again changes nothing."""

import io

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from tests.imports_files import text_bytes
from tests.trainees.test_import_profiles import contacts_extract, day, tt_profile  # noqa: F401 - a fixture
from trainees.caseload.importer import import_caseload
from trainees.caseload.importer.ends import known_codes
from trainees.models import Case, CaseloadImport

pytestmark = pytest.mark.django_db

IDS101 = ["LocalPatientId", "ServiceRequestId", "ReferralRequestReceivedDate", "ServDischDate", "EndCode"]
COMPLETED = "treatment completed by mutual agreement"


def ends_extract(*extra):
    return [
        IDS101,
        ["4010232137", "SR-1001", day(45), day(10), "46"],  # after its last attended contact (day 19)
        ["", "SR-1002", day(35), "", ""],  # still open in the service
        ["", "SR-2001", day(25), day(5), "47"],  # another practitioner's referral
        *extra,
    ]


def run(world, profile, ends, *, contacts=None):
    enrolment = world.enrolment
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        profile=profile,
        original_name="ids201.csv",
        file_format="csv",
        requested_by=world.user("trainee"),
    )
    return import_caseload(
        actor=world.user("trainee"),
        enrolment=enrolment,
        job=job,
        fileobj=io.BytesIO(text_bytes(contacts or contacts_extract())),
        ends_file=io.BytesIO(text_bytes(ends)),
        ends_name="ids101.csv",
    )


def test_referral_ends_close_the_matching_cases_with_the_reason_in_words(world, tt_profile):  # noqa: F811
    result = run(world, tt_profile, ends_extract())
    assert result.ok and result.saved, [str(p) for p in result.errors]
    assert result.cases_closed == 1
    assert result.skipped["referrals not ended yet"] == 1
    assert result.skipped["referral ends for cases not on this trainee's caseload"] == 1
    assert "1 case was closed from the referral ends file" in result.summary()
    case = Case.objects.get(reference="SR-1001")
    assert (case.status, case.closed_on.isoformat(), case.end_reason) == ("closed", day(10), COMPLETED)
    assert Case.objects.get(reference="SR-1002").status == "open"
    event = AuditEvent.objects.get(action="caseload.case_closed")
    assert event.after["end_reason"] == COMPLETED


def test_importing_the_same_ends_again_changes_nothing(world, tt_profile):  # noqa: F811
    run(world, tt_profile, ends_extract())
    again = run(world, tt_profile, ends_extract())
    assert again.ok and again.saved
    assert again.cases_closed == 0
    assert again.skipped["referral ends already recorded"] == 1
    assert AuditEvent.objects.filter(action="caseload.case_closed").count() == 1
    case = Case.objects.get(reference="SR-1001")
    assert (case.closed_on.isoformat(), case.end_reason) == (day(10), COMPLETED)


def test_an_end_the_caseload_cannot_take_is_skipped_with_a_warning(world, tt_profile):  # noqa: F811
    # SR-1002's last attended contact is on day 9: a referral end before it is not applied.
    result = run(world, tt_profile, ends_extract(["", "SR-1002", day(35), day(12), "48"]))
    assert result.ok and result.saved
    assert result.skipped["referral ends the caseload could not take (see the warnings)"] == 1
    warning = next(w for w in result.warnings if "row 5" in w)
    assert "SR-1002 has a contact on" in warning
    assert Case.objects.get(reference="SR-1002").status == "open"
    assert Case.objects.get(reference="SR-1001").status == "closed"


def test_an_unknown_ending_code_refuses_the_file_naming_row_and_column(world, tt_profile):  # noqa: F811
    result = run(world, tt_profile, ends_extract(["", "SR-1002", day(35), day(2), "77"]))
    assert not result.ok and not result.saved
    problem = result.errors[0]
    assert (problem.sheet, problem.row, problem.column, problem.heading) == ("ids101.csv", 5, "E", "EndCode")
    assert "“77” is not an ending code" in problem.reason
    # says which codes the profile knows, and why a file may carry others
    assert "(it knows 10–17, 40–50, 95–98)" in problem.reason
    assert "another version of the data set" in problem.reason
    assert not Case.objects.exists()


def test_older_v1_5_ending_codes_close_cases_with_their_published_meaning(world, tt_profile):  # noqa: F811
    result = run(world, tt_profile, [IDS101, ["", "SR-1001", day(45), day(10), "42"]])
    assert result.ok and result.cases_closed == 1, [str(p) for p in result.errors]
    assert Case.objects.get(reference="SR-1001").end_reason == "treatment completed"
    reasons = tt_profile.spec["ends"]["reasons"]  # NHS England's decoding of the v1.5 list
    assert (reasons["40"], reasons["43"], reasons["44"]) == (
        "stepped up to more intensive treatment",
        "dropped out of treatment",
        "referred on to a service outside NHS Talking Therapies",
    )


def test_known_codes_are_listed_in_runs():
    assert known_codes({"10": "", "11": "", "12": "", "40": "", "41": "", "95": ""}) == "10–12, 40, 41, 95"
    assert known_codes({}) == "none"


def test_a_case_already_closed_that_day_is_given_the_reason(world, tt_profile):  # noqa: F811
    discharge = ["", "SR-1003", "CC-20", day(4), "01", "02", "5", 30, "", "PWP042"]
    run(world, tt_profile, ends_extract(), contacts=contacts_extract(extra=[discharge]))
    case = Case.objects.get(reference="SR-1003")
    from trainees.caseload.services import close_case

    close_case(actor=None, case=case, closed_on=case.opened_on)
    result = run(world, tt_profile, ends_extract(["", "SR-1003", day(6), day(4), "12"]))
    assert result.ok and result.end_reasons_added == 1
    case.refresh_from_db()
    assert case.end_reason == "discharged by mutual agreement after advice and support"


def test_the_command_takes_a_referral_ends_file(world, tt_profile, tmp_path):  # noqa: F811
    extract, ends = tmp_path / "ids201.csv", tmp_path / "ids101.csv"
    extract.write_bytes(text_bytes(contacts_extract()))
    ends.write_bytes(text_bytes(ends_extract()))
    out = io.StringIO()
    call_command(
        "import_caseload",
        str(extract),
        "--trainee",
        world.enrolment.user.username,
        "--profile",
        tt_profile.code,
        "--ends",
        str(ends),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "1 case was closed from the referral ends file" in out.getvalue()
    assert "1 referrals not ended yet" in out.getvalue()
    assert CaseloadImport.objects.get().cases_closed == 1


def test_the_upload_page_takes_the_scores_and_referral_ends_files_too(world, client, tt_profile, monkeypatch):  # noqa: F811, E501
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.trainees.test_import_profiles import scores_extract
    from trainees.models import Contact

    client.force_login(world.user("trainee"))
    url = reverse("trainees:caseload_import_upload", args=[world.enrolment.pk])

    def files():
        return {
            "file": SimpleUploadedFile("ids201.csv", text_bytes(contacts_extract())),
            "scores_file": SimpleUploadedFile("ids607.csv", text_bytes(scores_extract())),
            "ends_file": SimpleUploadedFile("ids101.csv", text_bytes(ends_extract())),
        }

    # The tracker's own headings read no companion file: refused on the form, naming the field.
    page = client.post(url, files()).content.decode()
    assert "The format chosen does not read a coded scores file." in page
    assert "The format chosen does not read a referral ends file." in page
    assert not CaseloadImport.objects.exists()

    deleted = []
    delete = default_storage.delete
    monkeypatch.setattr(default_storage, "delete", lambda name: deleted.append(name) or delete(name))
    response = client.post(url, {"profile": tt_profile.code, **files()})
    assert response.status_code == 302
    job = CaseloadImport.objects.get()
    assert (job.status, job.cases_closed) == ("imported", 1), job.message
    assert Contact.objects.get(source_id="CC-1").phq9 == 18
    assert Case.objects.get(reference="SR-1001").end_reason == COMPLETED
    assert job.companions == {}
    assert len(deleted) == 3 and not any(default_storage.exists(name) for name in deleted)
    page = client.get(response["Location"]).content.decode()
    assert "1 case was closed from the referral ends file" in page
