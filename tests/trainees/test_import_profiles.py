"""Import profiles: files shaped like real exports (written from their specifications) import as they come.

The Talking Therapies extract follows the data set v2.x names (IDS201/IDS202 care contacts, IDS606/IDS607
coded scores in long form) and the NHS Data Dictionary codes; the older appointment list shows a second
format is data only. Counts of imported, skipped (by reason) and updated rows are asserted."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.imports_files import ods_bytes, text_bytes
from trainees.caseload.importer import import_caseload
from trainees.imports.reference import load_import_profiles
from trainees.models import CaseloadImport, Contact, ImportProfile

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PHQ9, GAD7, WSAS_UNMAPPED = "720433000", "445455005", "999999999"
# The reference profile maps no intervention codes (see README): a service adds its own in its copy. These
# placeholders stand for the SNOMED CT procedure codes a service would add.
BA_CODE, PS_CODE = "1000000000000001", "1000000000000002"
IDS201 = [
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


def day(n):
    return (TODAY - timedelta(days=n)).isoformat()


def contacts_extract(*, minutes_first_treatment=30, extra=()):
    rows = [
        ["4010232137", "SR-1001", "CC-1", day(40), "01", "02", "5", 45, "", "PWP042"],
        [
            "4010232137",
            "SR-1001",
            "CC-2",
            day(33),
            "02",
            "02",
            "5",
            minutes_first_treatment,
            f"{BA_CODE}:385658003",
            "PWP042",
        ],
        ["4010232137", "SR-1001", "CC-3", day(26), "02", "11", "3", 0, f"{BA_CODE}:385658003", "PWP042"],
        ["4010232137", "SR-1001", "CC-4", day(19), "02", "11", "6", 30, f"{BA_CODE}:385658003", "PWP042"],
        ["", "SR-1002", "CC-5", day(30), "01", "01", "5", 50, "", "PWP042"],
        ["", "SR-1002", "CC-6", day(23), "02", "02", "2", 0, f"{PS_CODE}:385658003", "PWP042"],
        ["", "SR-1002", "CC-7", day(16), "02", "02", "3", 0, f"{PS_CODE}:385658003", "PWP042"],
        ["", "SR-1002", "CC-8", day(9), "02", "02", "5", 30, f"{PS_CODE}:385658003", "PWP042"],
        ["", "SR-2001", "CC-9", day(20), "01", "02", "5", 45, "", "PWP007"],
        *extra,
    ]
    return [IDS201, *rows]


def scores_extract(phq_first=18):
    return [
        ["CareContactId", "CodedAssToolType", "PersScore"],
        ["CC-1", PHQ9, phq_first],
        ["CC-1", GAD7, 14],
        ["CC-1", WSAS_UNMAPPED, 22],
        ["CC-2", PHQ9, 15],
        ["CC-9", PHQ9, 12],
    ]


@pytest.fixture
def tt_profile(world):
    load_import_profiles()
    reference = ImportProfile.objects.get(code="talking-therapies-v2")
    spec = dict(reference.spec)
    spec["values"] = {
        **spec["values"],
        "intervention": {BA_CODE: "behavioural-activation", PS_CODE: "problem-solving"},
    }
    world.enrolment.service_staff_id = "PWP042"
    world.enrolment.save(update_fields=["service_staff_id"])
    return ImportProfile.objects.create(
        code="nv-talking-therapies",
        name="Our Talking Therapies extract",
        kind="caseload",
        spec=spec,
        owner=world.enrolment.employing_service,
        based_on=reference,
    )


def run(world, profile, content, name, *, scores=None, scores_name="scores.csv", confirmed=True):
    enrolment = world.enrolment
    job = CaseloadImport.objects.create(
        enrolment=enrolment,
        service=enrolment.employing_service,
        profile=profile,
        original_name=name,
        file_format=name.rsplit(".", 1)[-1],
        requested_by=world.user("trainee"),
    )
    return import_caseload(
        actor=world.user("trainee"),
        enrolment=enrolment,
        job=job,
        fileobj=io.BytesIO(content),
        scores_file=io.BytesIO(scores) if scores is not None else None,
        scores_name=scores_name,
        confirmed=confirmed,
    )


def test_a_talking_therapies_extract_imports_as_it_comes(world, tt_profile):
    result = run(
        world, tt_profile, text_bytes(contacts_extract()), "ids201.csv", scores=text_bytes(scores_extract())
    )
    assert result.ok, [str(p) for p in result.errors]
    assert result.saved
    assert result.contacts_created == 5
    assert result.cases_created == 2
    assert dict(result.skipped) == {
        "did not attend": 2,
        "cancelled by the patient": 1,
        "another practitioner's contacts": 1,
        "scores of other measures": 1,
        "scores for contacts not in this trainee's record": 1,
    }
    assert "41" not in result.summary() and "2 did not attend" in result.summary()
    assert result.scores_updated == 3
    first = Contact.objects.get(source_id="CC-1")
    assert (first.type, first.mode, first.minutes, first.phq9, first.gad7) == (
        "assessment",
        "telephone",
        45,
        18,
        14,
    )
    assert Contact.objects.get(source_id="CC-4").mode == "video"  # ConsMechanism 11: video consultation
    assert Contact.objects.get(source_id="CC-8").intervention.code == "problem-solving"
    assert {c.reference for c in world.enrolment.cases.all()} == {"SR-1001", "SR-1002"}
    # The patient identifier column is never read; its NHS-number-like values are reported, naming it.
    assert any("LocalPatientId" in w and "NHS numbers" in w for w in result.warnings)
    assert not Contact.objects.filter(case__reference__contains="4010232137").exists()


def test_a_later_extract_updates_what_changed_and_adds_what_is_new(world, tt_profile):
    run(world, tt_profile, text_bytes(contacts_extract()), "ids201.csv", scores=text_bytes(scores_extract()))
    later = contacts_extract(
        minutes_first_treatment=35,
        extra=[["", "SR-1002", "CC-10", day(2), "02", "02", "5", 30, f"{PS_CODE}:385658003", "PWP042"]],
    )
    result = run(
        world, tt_profile, text_bytes(later), "ids201.csv", scores=text_bytes(scores_extract(phq_first=16))
    )
    assert result.ok, [str(p) for p in result.errors]
    assert (result.contacts_created, result.updated, result.duplicates) == (1, 1, 4)
    assert result.scores_updated == 1  # only the changed PHQ-9
    assert Contact.objects.filter(case__enrolment=world.enrolment).count() == 6
    assert Contact.objects.get(source_id="CC-2").minutes == 35
    assert Contact.objects.get(source_id="CC-1").phq9 == 16


def test_the_same_extract_as_an_opendocument_spreadsheet(world, tt_profile):
    result = run(world, tt_profile, ods_bytes(contacts_extract(), title="IDS201"), "ids201.ods")
    assert result.ok, [str(p) for p in result.errors]
    assert (result.sheet, result.contacts_created, sum(result.skipped.values())) == ("IDS201", 5, 4)


def test_a_refused_extract_saves_nothing_and_names_file_row_and_column(world, tt_profile):
    bad = contacts_extract(extra=[["", "SR-1003", "CC-11", day(3), "99", "02", "5", 30, "", "PWP042"]])
    result = run(world, tt_profile, text_bytes(bad), "ids201.csv", scores=text_bytes(scores_extract()))
    assert not result.ok and not result.saved
    problem = result.errors[0]
    assert (problem.row, problem.column, problem.heading) == (11, "E", "AppType")
    assert "99" in problem.reason
    assert Contact.objects.count() == 0


def test_a_file_of_several_practitioners_needs_the_trainees_staff_identifier(world, tt_profile):
    world.enrolment.service_staff_id = ""
    world.enrolment.save(update_fields=["service_staff_id"])
    result = run(world, tt_profile, text_bytes(contacts_extract()), "ids201.csv")
    assert not result.ok
    assert "staff identifier" in result.errors[0].reason


def test_a_colleagues_missed_appointments_count_as_their_contacts_not_the_trainees(world, tt_profile):
    # The summary's "did not attend" and "cancelled" are the trainee's own: a colleague's missed appointments
    # in the same extract are counted with that colleague's other rows.
    colleague = [
        ["", "SR-2001", "CC-10", day(13), "02", "02", "3", 0, "", "PWP007"],
        ["", "SR-2001", "CC-11", day(6), "02", "02", "2", 0, "", "PWP007"],
    ]
    result = run(world, tt_profile, text_bytes(contacts_extract(extra=colleague)), "ids201.csv")
    assert result.ok, [str(p) for p in result.errors]
    assert dict(result.skipped) == {
        "did not attend": 2,
        "cancelled by the patient": 1,
        "another practitioner's contacts": 3,
    }


def test_an_unplanned_contact_counts_as_attended_whatever_its_attendance_code(world, tt_profile):
    """NHS England counts a contact whose PlannedCareContIndicator is N as attended, whatever its
    AttendOrDNACode (often blank for one): it is imported; a planned one with a blank code is skipped."""
    heading = [*IDS201, "PlannedCareContIndicator"]
    rows = [[*row, "Y"] for row in contacts_extract()[1:]]
    rows += [
        ["", "SR-1002", "CC-20", day(5), "02", "02", "", 25, f"{PS_CODE}:385658003", "PWP042", "N"],
        ["", "SR-1002", "CC-21", day(4), "02", "02", "", 25, f"{PS_CODE}:385658003", "PWP042", "Y"],
    ]
    result = run(world, tt_profile, text_bytes([heading, *rows]), "ids201.csv")
    assert result.ok, [str(p) for p in result.errors]
    saved = set(Contact.objects.filter(case__enrolment=world.enrolment).values_list("source_id", flat=True))
    assert "CC-20" in saved and "CC-21" not in saved
    assert dict(result.skipped)["attendance code blank"] == 1


def test_a_whole_teams_extract_asks_for_confirmation_first(world, tt_profile):
    spec = dict(tt_profile.spec)
    spec["columns"] = {k: v for k, v in spec["columns"].items() if k != "practitioner"}
    tt_profile.spec = spec
    tt_profile.save(update_fields=["spec"])
    rows = [IDS201] + [
        ["", f"SR-{n:05d}", f"CC-{n}", day(5 + n % 20), "01", "02", "5", 45, "", "PWP042"] for n in range(700)
    ]
    result = run(world, tt_profile, text_bytes(rows), "team.csv", confirmed=False)
    assert result.ok and not result.saved
    assert "700 patients" in result.needs_confirmation
    assert Contact.objects.count() == 0
    assert run(world, tt_profile, text_bytes(rows), "team.csv", confirmed=True).saved


def test_an_older_appointment_list_in_windows_1252_tab_separated_text(world):
    load_import_profiles()
    world.enrolment.service_staff_id = "C42"
    world.enrolment.save(update_fields=["service_staff_id"])
    headings = [
        "Appointment ID",
        "Referral ID",
        "Appointment Date",
        "Appointment Type",
        "Contact Method",
        "Attendance",
        "Duration",
        "Therapy",
        "PHQ9",
        "GAD7",
        "WSAS",
        "Clinician Code",
        "Clinic",
    ]
    rows = [
        headings,
        [
            "A1",
            "R-77",
            (TODAY - timedelta(days=30)).strftime("%d/%m/%Y"),
            "1",
            "2",
            "5",
            "45",
            "",
            "17",
            "12",
            "20",
            "C42",
            "Café – Leeds",
        ],
        [
            "A2",
            "R-77",
            (TODAY - timedelta(days=20)).strftime("%d/%m/%Y"),
            "2",
            "11",
            "5",
            "30",
            "Behavioural activation",
            "14",
            "10",
            "18",
            "C42",
            "Café – Leeds",
        ],
        [
            "A3",
            "R-77",
            (TODAY - timedelta(days=10)).strftime("%d/%m/%Y"),
            "2",
            "2",
            "3",
            "0",
            "Behavioural activation",
            "",
            "",
            "",
            "C42",
            "Café – Leeds",
        ],
    ]
    profile = ImportProfile.objects.get(code="appointments-legacy")
    result = run(world, profile, text_bytes(rows, delimiter="\t", encoding="cp1252"), "appointments.txt")
    assert result.ok, [str(p) for p in result.errors]
    assert (result.contacts_created, dict(result.skipped)) == (2, {"did not attend": 1})
    assert Contact.objects.get(source_id="A2").wsas == 18


def test_the_command_takes_a_profile_and_a_scores_file(world, tt_profile, tmp_path):
    extract, scores = tmp_path / "ids201.csv", tmp_path / "ids606.csv"
    extract.write_bytes(text_bytes(contacts_extract()))
    scores.write_bytes(text_bytes(scores_extract()))
    username = world.enrolment.user.username
    out = io.StringIO()
    call_command(
        "import_caseload",
        str(extract),
        "--trainee",
        username,
        "--profile",
        tt_profile.code,
        "--scores",
        str(scores),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "2 did not attend" in out.getvalue()
    with pytest.raises(CommandError, match="no caseload import profile"):
        call_command("import_caseload", str(extract), "--trainee", username, "--profile", "moodle-attendance")


# The data set records the WSAS as its five items, each a SNOMED CT code of its own (NHS England's IAPT v2.0
# measures metadata): work, home management, social leisure, private leisure, close relationships.
WSAS_ITEMS = ["932621000000100", "932581000000100", "932611000000106", "932591000000103", "932601000000109"]


def test_the_wsas_total_is_the_sum_of_its_five_item_scores(world, tt_profile):
    scores = [
        ["CareContactId", "CodedAssToolType", "PersScore"],
        *[["CC-1", code, score] for code, score in zip(WSAS_ITEMS, [2, 3, 4, 5, 6], strict=True)],
        # One item missing: the Data Dictionary substitutes the mean of the other four (16 + 4 = 20).
        *[["CC-2", code, 4] for code in WSAS_ITEMS[:4]],
        # Two missing: disregarded, and counted.
        *[["CC-4", code, 7] for code in WSAS_ITEMS[:3]],
    ]
    result = run(world, tt_profile, text_bytes(contacts_extract()), "ids201.csv", scores=text_bytes(scores))
    assert result.ok, [str(p) for p in result.errors]
    assert Contact.objects.get(source_id="CC-1").wsas == 20
    assert Contact.objects.get(source_id="CC-2").wsas == 20
    assert Contact.objects.get(source_id="CC-4").wsas is None
    assert result.skipped["WSAS with more than one of its five items missing"] == 1
    assert result.scores_updated == 2


def test_a_wsas_item_outside_nought_to_eight_is_refused_naming_the_row(world, tt_profile):
    scores = [
        ["CareContactId", "CodedAssToolType", "PersScore"],
        *[["CC-1", code, 9 if code == WSAS_ITEMS[0] else 1] for code in WSAS_ITEMS],
    ]
    result = run(world, tt_profile, text_bytes(contacts_extract()), "ids201.csv", scores=text_bytes(scores))
    assert not result.ok
    assert any(p.row == 2 and "0 to 8" in p.reason and "work" in p.reason for p in result.errors)


def test_appointment_types_follow_nhs_englands_measures(world, tt_profile):
    # NHS England counts 02, 03 and 05 as treatment appointments, and 06 as a follow-up after the referral.
    extra = [
        ["", "SR-1003", "CC-20", day(12), "05", "02", "5", 30, f"{BA_CODE}:385658003", "PWP042"],
        ["", "SR-1003", "CC-21", day(5), "06", "02", "5", 20, "", "PWP042"],
    ]
    result = run(world, tt_profile, text_bytes(contacts_extract(extra=extra)), "ids201.csv")
    assert result.ok, [str(p) for p in result.errors]
    assert Contact.objects.get(source_id="CC-20").type == "treatment"
    assert Contact.objects.get(source_id="CC-21").type == "review"


def test_wsas_items_and_other_scores_of_one_contact_in_several_batches_all_land(
    world, tt_profile, monkeypatch
):
    from trainees.caseload.importer import limits

    monkeypatch.setattr(limits, "BATCH_SIZE", 2)
    scores = [
        ["CareContactId", "CodedAssToolType", "PersScore"],
        *[["CC-1", code, 3] for code in WSAS_ITEMS],
        ["CC-1", PHQ9, 11],
        ["CC-1", GAD7, 9],
    ]
    result = run(world, tt_profile, text_bytes(contacts_extract()), "ids201.csv", scores=text_bytes(scores))
    assert result.ok, [str(p) for p in result.errors]
    first = Contact.objects.get(source_id="CC-1")
    assert (first.phq9, first.gad7, first.wsas) == (11, 9, 15)
