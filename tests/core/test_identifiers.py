"""The identifier guard: what it recognises, and that it holds where the probe stored an NHS number."""

import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AuditEvent
from accounts.services import record_event
from core.identifiers import (
    DATE_OF_BIRTH,
    DEFAULT_TEXT_LIMIT,
    DeidentifiedCharField,
    DeidentifiedTextField,
    FileNameValidator,
    GuardValidator,
    identifying_reason,
    is_valid_nhs_number,
    nhs_numbers_in,
    refuse_identifiers_before_save,
    validate_file_name,
    what_for,
    withhold_identifiers,
)

PATIENT = "Discussed patient 9434765919 today"


@pytest.mark.parametrize(
    "text",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "943.476.5919",
        "943/476/5919",
        "943_476_5919",
        "943 - 476 - 5919",
        "9 4 3 4 7 6 5 9 1 9",
        "NHS no.9434765919",
        "ref9434765919",
        "first 4010232137 then 9434765919",
        "1000000060",  # check digit 0 (11 - remainder 0 counts as 0)
        "100 000 0060",
    ],
)
def test_nhs_numbers_are_found_whatever_separates_the_digits(text):
    assert nhs_numbers_in(text)
    assert "NHS number" in identifying_reason(text)


@pytest.mark.parametrize(
    "text",
    [
        "9434765918",  # wrong check digit
        "94347659190",  # eleven digits
        "020 7946 0958",  # a phone number: eleven digits, no group cut in two
        "PHQ-9 score 12, GAD-7 score 10, WSAS 18",
        "NV-000123",
        "PWP-2026-0042",
        "1000000010",  # check digit would be 10: never issued
        "Teaching day 12/03/2026 went well",
        "NHS England has required registration since 10 June 2022.",
    ],
)
def test_ordinary_training_text_is_accepted(text):
    assert identifying_reason(text) is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ("jo.bloggs@example.com", "email address"),
        ("12/03/1987", "date of birth"),
        ("12.03.87", "date of birth"),
        ("1987-03-12", "date of birth"),
        ("DOB 12 March 2019", "date of birth"),
        ("born 01/02/2024", "date of birth"),
        ("d.o.b. 3/4/2020", "date of birth"),
    ],
)
def test_emails_and_dates_of_birth_are_refused(text, reason):
    assert reason in identifying_reason(text)


@given(st.text(max_size=200))
def test_the_guard_never_crashes_and_a_found_number_passes_the_check(text):
    identifying_reason(text)
    assert all(is_valid_nhs_number(n) for n in nhs_numbers_in(text))


def test_the_time_to_check_grows_in_line_with_the_text():
    """Quadratic matching would let one huge paste jam a worker: ten times the text takes about ten times as
    long, where quadratic matching would take a hundred. The margin is wide because the machine is shared: a
    ratio in one run, the fastest of five, never an absolute time."""

    def seconds(n):
        text = "1 " * n + "x" * n + "1-" * n + "a@" * n
        started = time.perf_counter()
        identifying_reason(text)
        return time.perf_counter() - started

    small = min(seconds(2_000) for _ in range(5))
    large = min(seconds(20_000) for _ in range(5))
    assert large < small * 40  # linear is about 10 times; quadratic would be 100


# The twelve places the probe stored "Discussed patient 9434765919 today", as (model, field).
PROBED = [
    ("assessments.Attempt", "note"),
    ("assessments.Attempt", "feedback"),
    ("assessments.SignOffReopening", "reason"),
    ("trainees.CpdActivity", "reopen_reason"),
    ("trainees.CatchUp", "comment"),
    ("trainees.SupervisorProfile", "professional_background"),
    ("trainees.SupervisorProfile", "pwp_experience"),
    ("trainees.SupervisorTraining", "provider"),
    ("trainees.TeachingDay", "topic"),
    ("accreditation.Visit", "title"),
    ("assessments.EvidenceFile", "original_name"),
    ("trainees.CpdActivity", "evidence_name"),
    ("trainees.SupervisorTraining", "certificate_filename"),
    ("trainees.CaseloadImport", "original_name"),
]

# Free text added since the probe: the same guard holds there by default.
ADDED_SINCE = [
    ("trainees.EnrolmentChange", "reason"),
    ("accounts.Organisation", "case_reference_format"),
    ("workforce.Post", "job_title"),
    ("workforce.PostProposal", "note"),
    ("workforce.Correction", "message"),
    ("workforce.Correction", "decision_note"),
    ("workforce.EligibilityRuleSet", "source"),
]


@pytest.mark.parametrize("label, name", PROBED + ADDED_SINCE)
def test_validation_refuses_the_probe_text_naming_the_field(label, name):
    model = apps.get_model(label)
    instance = model(**{name: PATIENT[: model._meta.get_field(name).max_length]})
    with pytest.raises(ValidationError) as error:
        instance.clean_fields()
    messages = error.value.message_dict.get(name, [])
    assert any("NHS number" in m and "9434765919" not in m for m in messages), messages
    verbose = str(model._meta.get_field(name).verbose_name)
    assert any(m.lower().startswith(verbose.lower()) for m in messages)


@pytest.mark.parametrize("label, name", PROBED + ADDED_SINCE)
@pytest.mark.django_db
def test_no_save_stores_the_probe_text_even_without_full_clean(label, name):
    """The last line: a service or import that never calls full_clean still cannot write the row."""
    model = apps.get_model(label)
    instance = model(**{name: PATIENT})
    with pytest.raises(ValidationError) as error:
        instance.save()
    assert name in error.value.message_dict


@pytest.mark.django_db
def test_an_oversized_free_text_is_refused_before_it_is_written():
    model = apps.get_model("assessments.Attempt")
    with pytest.raises(ValidationError) as error:
        model(feedback="x" * (DEFAULT_TEXT_LIMIT + 1)).save()
    assert "10,000 characters or fewer" in error.value.message_dict["feedback"][0]


def upload(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n", content_type="application/pdf")


@pytest.mark.parametrize(
    "form_path, field",
    [
        ("assessments.forms.EvidenceForm", "files"),
        ("trainees.cpd.forms.CpdActivityForm", "evidence"),
        ("trainees.supervision.forms.TrainingForm", "certificate"),
        ("trainees.caseload.forms.UploadForm", "file"),
        ("trainees.attendance.forms.ImportForm", "file"),
        ("trainees.enrolment.intake_views.IntakeUploadForm", "file"),
    ],
)
@pytest.mark.django_db
def test_an_uploaded_file_named_with_an_nhs_number_is_refused(form_path, field):
    from django.utils.module_loading import import_string

    form = import_string(form_path)(data={}, files={field: upload("referral 943.476.5919.pdf")})
    form.is_valid()
    errors = form.errors.get(field, [])
    assert any(
        "cannot be uploaded because its name contains what looks like an NHS number" in e for e in errors
    )
    assert all("943.476.5919" not in e for e in errors)


@pytest.mark.django_db
def test_the_audit_trail_withholds_identifying_text_but_records_the_change(world):
    event = record_event(
        actor=world.user("supervisor"),
        action="test.changed",
        obj=world.enrolment,
        message=PATIENT,
        before={"note": "", "start": "2019-09-01", "email": "a.person@example.nhs.uk"},
        after={"note": "seen 943.476.5919", "start": "2019-09-01", "email": "a.person@example.nhs.uk"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert "9434765919" not in stored.message and "withheld" in stored.message
    assert stored.after["note"].startswith("(withheld") and stored.before["note"] == ""
    assert stored.after["start"] == "2019-09-01" and stored.after["email"] == "a.person@example.nhs.uk"


def test_withholding_walks_nested_values():
    assert withhold_identifiers({"a": [PATIENT, 3, None]}) == {
        "a": [
            "(withheld: contains what looks like an NHS number (10 digits with a valid check digit))",
            3,
            None,
        ]
    }


@pytest.mark.parametrize("reference", ["943.476.5919", "943/476/5919", "943 - 476 - 5919"])
@pytest.mark.django_db
def test_a_case_reference_with_any_separators_is_refused_by_the_import(world, reference):
    from tests.trainees.test_caseload_import import csv_bytes, day, run
    from trainees.models import Case

    rows = [[reference, day(5).isoformat(), "Assessment", "Telephone", "", 45, "", "", "", ""]]
    result = run(world, csv_bytes(rows))
    assert not result.saved and not Case.objects.exists()
    reasons = [p.reason for p in result.errors if p.column == "A"]
    assert reasons and "NHS number" in reasons[0] and "5919" not in reasons[0]


@pytest.mark.parametrize(
    "form_path, field, data",
    [
        ("workforce.forms.CorrectionForm", "message", {}),
        ("workforce.forms.DecisionForm", "note", {}),
        ("curriculum.forms.MemberForm", "first_name", {"email": "a@example.nhs.uk", "role": "educator"}),
        ("notifications.admin.NotificationKindForm", "name", {}),
        ("notifications.admin.NotificationKindForm", "description", {}),
    ],
)
@pytest.mark.django_db
def test_forms_added_since_refuse_the_probe_text(form_path, field, data):
    from django.utils.module_loading import import_string

    form = import_string(form_path)(data={**data, field: PATIENT[:100]})
    assert not form.is_valid()
    assert any("NHS number" in e and "9434765919" not in e for e in form.errors[field])


@pytest.mark.django_db
def test_an_intake_file_named_with_an_nhs_number_is_refused_by_the_service_too(curriculum):
    """The enrol_cohort command reaches the service without a form: the service checks the name itself."""
    from tests.trainees.intake_files import csv_file, make_setting, row
    from trainees.enrolment.intake import IntakeRefused, run_intake

    admin, cohort, _ = make_setting()
    with pytest.raises(IntakeRefused, match="its name contains what looks like an NHS number"):
        run_intake(
            actor=admin, cohort=cohort, fileobj=csv_file([row(1)]), filename="943 476 5919.csv", save=False
        )


# --- boundaries the mutation run (make mutation) pointed to -----------------------------------------------


def test_a_two_digit_year_is_read_in_this_century_up_to_this_year_and_in_the_last_before():
    this_year = timezone.localdate().year
    # This year's two-digit year is this year: recent, so a training date, not a date of birth.
    assert identifying_reason(f"course on 01/01/{this_year % 100:02d}") is None
    # Six years back is this century too, and far enough back to be a date of birth.
    assert identifying_reason(f"31/12/{(this_year - 6) % 100:02d}") == DATE_OF_BIRTH
    # A two-digit year above this year's is in the 1900s: 29 February 1996 is a real day (1997 has none).
    assert identifying_reason("29/02/96") == DATE_OF_BIRTH


def test_the_validators_name_their_field_and_compare_by_it():
    with pytest.raises(ValidationError) as error:
        GuardValidator("The feedback")("943 476 5919")
    assert error.value.messages[0].startswith("The feedback cannot be saved because it contains")
    with pytest.raises(ValidationError) as error:
        GuardValidator()("943 476 5919")
    assert error.value.messages[0].startswith("This cannot be saved because")
    assert GuardValidator("A") == GuardValidator("A") and GuardValidator("A") != GuardValidator("B")
    assert GuardValidator("A") != FileNameValidator("A")
    assert GuardValidator("A").deconstruct() == ("core.identifiers.GuardValidator", ("A",), {})
    assert FileNameValidator("A") == FileNameValidator("A") and FileNameValidator("A") != FileNameValidator(
        "B"
    )
    assert FileNameValidator("A") != GuardValidator("A")
    assert FileNameValidator("A").deconstruct() == ("core.identifiers.FileNameValidator", ("A",), {})
    with pytest.raises(ValidationError) as error:
        FileNameValidator()(
            [SimpleUploadedFile("notes.pdf", b"x"), SimpleUploadedFile("9434765919.pdf", b"x")]
        )
    assert error.value.messages[0].startswith("The file cannot be uploaded because its name contains")


def test_guarded_fields_check_their_value_and_cap_free_text():
    note = DeidentifiedCharField(max_length=40, verbose_name="case note")
    with pytest.raises(ValidationError) as error:
        note.validate("943 476 5919", None)
    assert error.value.messages[0].startswith("Case note cannot be saved because")
    with pytest.raises(ValidationError):
        note.validate("", None)  # the field's own checks still run first: blank is refused
    assert note.deconstruct()[1:] == (
        "django.db.models.CharField",
        [],
        {"max_length": 40, "verbose_name": "case note"},
    )
    text = DeidentifiedTextField("reflection")
    assert text.max_length == DEFAULT_TEXT_LIMIT and text.verbose_name == "reflection"
    assert MaxLengthValidator(DEFAULT_TEXT_LIMIT) in text.validators
    assert text.deconstruct()[1:] == ("django.db.models.TextField", [], {"verbose_name": "reflection"})
    short = DeidentifiedTextField(max_length=500)
    assert short.max_length == 500 and MaxLengthValidator(500) in short.validators
    assert short.deconstruct()[1:] == ("django.db.models.TextField", [], {"max_length": 500})


def test_a_file_name_refusal_is_worded_exactly_and_no_name_is_no_refusal():
    with pytest.raises(ValidationError) as error:
        validate_file_name("9434765919.pdf")
    assert error.value.messages == [
        "The file cannot be uploaded because its name contains what looks like an NHS number "
        "(10 digits with a valid check digit). Rename the file so that it does not identify a patient, then "
        "upload it again."
    ]
    assert error.value.code == "identifying"
    validate_file_name(None)
    validate_file_name("")


def test_a_field_is_named_from_its_label():
    assert what_for("feedback:") == "Feedback"
    assert what_for(" case note ") == "Case note"
    assert what_for(None) == "This field"


def test_the_last_check_before_saving_names_the_field_and_caps_free_text():
    model = apps.get_model("trainees.CatchUp")
    with pytest.raises(ValidationError) as error:
        refuse_identifiers_before_save(model, model(comment="943 476 5919"))
    assert error.value.message_dict == {
        "comment": [
            "Comment cannot be saved because it contains what looks like an NHS number "
            "(10 digits with a valid check digit). Records here must not identify a patient: use the "
            "service's pseudonymous case reference only."
        ]
    }
    assert refuse_identifiers_before_save(model, model(comment="943 476 5919"), raw=True) is None  # fixtures
    refuse_identifiers_before_save(model, model(comment="x" * 500))  # exactly the cap is fine
    with pytest.raises(ValidationError) as error:
        refuse_identifiers_before_save(model, model(comment="x" * 1001))
    assert error.value.message_dict == {
        "comment": ["Comment must be 500 characters or fewer (it has 1,001)."]
    }


@pytest.mark.parametrize(
    "text, reason",
    [
        ("seen 01/06/2026 then 12/03/1987", DATE_OF_BIRTH),  # a later date is still read
        ("12/25/1987", DATE_OF_BIRTH),  # month first when day first cannot be a date
        ("course on 12 March 2011", None),  # a date in words needs birth words nearby
        (
            "DOB 31 February 2011 or 12 March 2011",
            DATE_OF_BIRTH,
        ),  # an impossible date does not stop the search
    ],
)
def test_every_date_in_the_text_is_read_in_either_order(text, reason):
    assert identifying_reason(text) == reason


def test_a_digest_or_identifier_that_is_the_whole_value_is_kept_in_the_trail():
    # A SHA-256 digest is hexadecimal, so one in about thirty begins with ten digits that pass the check.
    digest = "2598577213ff6b70d26b92981d43a8976055c4c9293b020b007705174d18e5ba"
    task = "a9434765-919f-4c2e-8d3b-0123456789ab"
    assert withhold_identifiers({"pdf_sha256": digest, "task": task}) == {"pdf_sha256": digest, "task": task}
    # In text, the same digits are still withheld.
    assert withhold_identifiers(f"hash {digest}").startswith("(withheld")


@pytest.mark.django_db
def test_a_notification_kinds_name_and_description_refuse_the_probe_text_on_save():
    """Administrators edit these in the Django admin; the save-time guard refuses them whatever the path."""
    from notifications.models import NotificationKind

    kind = NotificationKind.objects.create(
        code="probe", name="Probe", condition="probe", recipients="trainee"
    )
    for field in ("name", "description"):
        setattr(kind, field, PATIENT)
        with pytest.raises(ValidationError, match="NHS number"):
            kind.save(update_fields=[field])
        kind.refresh_from_db()
        assert getattr(kind, field) != PATIENT
