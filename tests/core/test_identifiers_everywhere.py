"""Every free-text field, model and form, and every uploaded file's name passes the identifier guard.

These walk the whole project, so a new field or form is covered (or must be exempt here, with the reason)
without anyone remembering a list.
"""

import copy
import importlib
import pkgutil

from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

from core.forms import NOT_FREE_TEXT, DeidentifiedFormMixin
from core.identifiers import DEFAULT_TEXT_LIMIT, DeidentifiedField
from tests.project import PROJECT_APPS

# Text columns that are not free text a person writes. Each says why.
EXEMPT_MODEL_FIELDS = {
    "accounts.User.password": "a password hash",
    "accounts.User.username": "the account holder's sign-in name (staff and trainees, never patients)",
    "accounts.User.first_name": "the account holder's own name, Django's user model",
    "accounts.User.last_name": "the account holder's own name, Django's user model",
    "accounts.LoginSession.session_key": "a random session key",
    "accounts.AuditEvent.actor_label": "the actor's username, copied by record_event",
    "accounts.AuditEvent.action": "an action code chosen by the code (for example attempt.marked)",
    "accounts.AuditEvent.object_type": "a model label",
    "accounts.AuditEvent.object_id": "a primary key",
    "accounts.AuditEvent.object_repr": "withhold_identifiers runs on it in record_event, its only writer",
    "accounts.AuditSeal.chain_sha256": "a hash",
    "trainees.EnrolmentFacts.slot": "the name of a kind of remembered facts, chosen by the code",
    "trainees.EnrolmentFacts.stamp": "a records version, a code digest and dates, written by the code",
    "accounts.AuditEvent.message": "withhold_identifiers runs on it in record_event, its only writer",
    "trainees.CaseloadImport.stored_name": "a server-chosen storage name",
    "trainees.SupervisorTraining.certificate_content_type": "a MIME type read from the file's content",
    "assessments.EvidenceFile.content_type": "a MIME type read from the file's content",
    "assessments.EvidenceFile.sha256": "a hash",
    "assessments.SignOff.marks_sha256": "a hash",
    "accreditation.PortfolioSnapshot.scheme_code": "a scheme code copied from the scheme",
    "accreditation.PortfolioSnapshot.scheme_version": "a version label copied from the scheme",
    "accreditation.PortfolioSnapshot.data_sha256": "a hash",
    "accreditation.PortfolioSnapshot.pdf_sha256": "a hash",
    "accreditation.PortfolioSnapshot.verification_code": "a random code the server issues",
    "accreditation.VisitPack.sha256": "a hash",
    "accreditation.VisitPack.task_id": "a task id the worker issues",
    "accreditation.VisitPack.error": "written by the worker when a build fails, never by a person",
    "accreditation.PortfolioRender.key": "a hash naming the render's content",
    "accreditation.PortfolioRender.scheme_code": "a scheme code checked against the schemes before queueing",
    "accreditation.PortfolioRender.file": "a server-chosen storage name",
    "accreditation.PortfolioRender.error": "written by the worker when a render fails, never by a person",
    "accreditation.PortfolioRender.task_id": "a task id the worker issues",
    "accreditation.Criterion.kind": "a kind from the readiness engine's registry (checked in clean)",
    "trainees.Enrolment.student_number": "the education provider's number for the trainee, not a patient's: "
    "any run of digits is expected, so the NHS-number check would refuse one in eleven",
    "trainees.Enrolment.service_staff_id": "the service's identifier for the trainee, a member of staff",
    "trainees.Enrolment.hesa_number": "the trainee's HESA or Unique Learner Number (ten digits with a check "
    "digit, so the NHS-number check would refuse some real ones)",
    "trainees.Contact.source_id": "the clinical system's key for a care contact, an opaque record key; the "
    "importer warns, naming the column, when a value looks like an NHS number and does not store it",
    "workforce.EligibilityRuleSet.version": "a version label of published eligibility rules",
    "workforce.EligibilityCriterion.kind": "a kind from the eligibility engine's registry",
    "notifications.NotificationKind.condition": "a condition code the code reads (notifications/sources.py), "
    "read-only in the admin",
    "notifications.NotificationKind.recipients": "role codes, checked against the known roles in the admin "
    "form",
    "notifications.Notification.subject": "the record it is about (type:id, or a case's guarded reference), "
    "composed by the daily pass",
    "notifications.Notification.trainee_name": "the trainee's own name, copied from their account",
    "notifications.Notification.text": "composed by the daily pass from the kind's guarded name and guarded "
    "records, never typed by a person",
    "notifications.Notification.url": "a path the daily pass builds with reverse()",
    "notifications.Notification.email_claim": "the id of the e-mail run that claimed it",
}
# File columns hold the storage name, which the server chooses; the uploader's name goes in a guarded field.
EXEMPT_FILE_FIELDS = {
    "trainees.CpdActivity.evidence": "server-chosen name (cpd_evidence_path); shown name is evidence_name",
    "trainees.SupervisorTraining.certificate": "server-chosen name; shown name is certificate_filename",
    "assessments.EvidenceFile.file": "server-chosen name (evidence_upload_to); shown name is original_name",
    "accreditation.PortfolioSnapshot.pdf": "server-chosen name (snapshot_upload_to)",
    "accreditation.VisitPack.file": "server-chosen name for a pack the server builds",
}
# Project forms not built on DeidentifiedForm / DeidentifiedModelForm. Each says why.
EXEMPT_FORMS: dict[str, str] = {}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def is_free_text(field) -> bool:
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
    )


def test_every_free_text_model_field_is_guarded_or_exempt_with_a_reason():
    unguarded = []
    for model in project_models():
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if (
                is_free_text(field)
                and not isinstance(field, DeidentifiedField)
                and label not in EXEMPT_MODEL_FIELDS
            ):
                unguarded.append(label)
    assert unguarded == [], "Use DeidentifiedCharField/DeidentifiedTextField, or exempt with a reason"


def test_every_file_field_stores_a_server_chosen_name():
    files = {
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    }
    assert files == set(EXEMPT_FILE_FIELDS)


def test_the_exemptions_name_real_fields_and_give_reasons():
    real = {f"{m._meta.label}.{f.name}" for m in project_models() for f in m._meta.concrete_fields}
    for label, reason in {**EXEMPT_MODEL_FIELDS, **EXEMPT_FILE_FIELDS}.items():
        assert label in real, f"{label} no longer exists: drop its exemption"
        assert len(reason) > 5


def test_guarded_text_fields_are_capped():
    for model in project_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, DeidentifiedField):
                assert field.max_length, f"{model._meta.label}.{field.name} has no length cap"


def project_form_classes():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".tests" in module.name:
                continue
            importlib.import_module(module.name)
    seen, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return [c for c in seen if c.__module__.split(".")[0] in PROJECT_APPS and c.__module__ != "core.forms"]


def test_every_project_form_is_built_on_the_guarded_base():
    found = project_form_classes()
    assert len(found) > 40
    unguarded = sorted(
        f"{c.__module__}.{c.__qualname__}"
        for c in found
        if not issubclass(c, DeidentifiedFormMixin) and f"{c.__module__}.{c.__qualname__}" not in EXEMPT_FORMS
    )
    assert unguarded == [], "Build on core.forms.DeidentifiedForm or DeidentifiedModelForm"


def test_the_form_exemptions_give_reasons():
    for form in project_form_classes():
        for name, reason in getattr(form, "deidentify_exempt", {}).items():
            assert name in form.base_fields or name in getattr(form, "declared_fields", {}), (form, name)
            assert len(reason) > 5


def test_every_text_and_file_field_of_every_form_is_guarded_once_cleaned():
    """Fields on the class (fields a form adds in __init__ get the same treatment in full_clean)."""
    for form_class in project_form_classes():
        if not issubclass(form_class, DeidentifiedFormMixin):
            continue
        form = form_class.__new__(form_class)  # without its __init__, which may need a person or a record
        form.fields = copy.deepcopy(form_class.base_fields)
        form.guard_fields()
        for name, field in form.fields.items():
            if name in form_class.deidentify_exempt:
                continue
            text = isinstance(field, forms.CharField) and not isinstance(field, NOT_FREE_TEXT)
            if text or isinstance(field, forms.FileField):
                assert any(
                    type(v).__name__ in ("GuardValidator", "FileNameValidator") for v in field.validators
                ), (
                    form_class,
                    name,
                )


# Text columns without a length cap. Each is written only by the server, from text already capped or chosen
# by the code, never straight from a person's input.
UNCAPPED_MODEL_FIELDS = {
    "accounts.AuditEvent.message": "written only by record_event, from messages the code composes",
    "accreditation.VisitPack.error": "written by the worker when a build fails, never by a person",
    "accreditation.PortfolioRender.error": "written by the worker when a render fails, never by a person",
}


def test_every_text_column_is_capped_or_written_only_by_the_server():
    """A huge paste must never reach a render: every text column has a cap enforced on save (a CharField's
    max_length, or the TextField's MaxLengthValidator, which the guard's pre_save check enforces too)."""
    uncapped = []
    for model in project_models():
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if isinstance(field, models.CharField | models.TextField) and not field.max_length:
                uncapped.append(label)
    assert sorted(uncapped) == sorted(UNCAPPED_MODEL_FIELDS)


def test_every_text_field_of_every_form_is_capped_once_cleaned():
    """Exempt fields too: a field that is not free text still takes no more than a set length."""
    for form_class in project_form_classes():
        if not issubclass(form_class, DeidentifiedFormMixin):
            continue
        form = form_class.__new__(form_class)
        form.fields = copy.deepcopy(form_class.base_fields)
        form.guard_fields()
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):
                assert field.max_length and field.max_length <= 100_000, (form_class, name)
                assert any(isinstance(v, MaxLengthValidator) for v in field.validators), (form_class, name)


def test_a_form_refuses_an_oversized_paste_with_a_message_not_an_error_page():
    from trainees.imports.forms import EditProfileForm

    form = EditProfileForm(data={"name": "Mine", "description": "x" * (DEFAULT_TEXT_LIMIT + 1), "spec": "{}"})
    assert not form.is_valid()
    assert any("at most 10000 characters" in e for e in form.errors["description"]), form.errors


def test_every_date_field_of_every_form_gives_a_known_date_back_to_the_date_picker():
    """A browser date picker takes only ISO dates: a date already known (an initial value, a record being
    edited) written in the locale's format (01/12/2026) shows as an empty field, and saving blanks it. Every
    date field of every project form, and the caseload filter's, uses core.forms.DateInput."""
    from datetime import date

    from trainees.caseload.tables import ContactFilter

    known = date(2026, 12, 1)
    fields = [
        (f"{form_class.__module__}.{form_class.__qualname__}.{name}", field)
        for form_class in project_form_classes()
        for name, field in form_class.base_fields.items()
    ]
    fields += [(f"ContactFilter.{name}", f.field) for name, f in ContactFilter.base_filters.items()]
    dates = [(name, field) for name, field in fields if isinstance(field, forms.DateField)]
    assert len(dates) > 20
    wrong = [name for name, field in dates if field.widget.format_value(known) != "2026-12-01"]
    assert wrong == []
    assert all(field.widget.input_type == "date" for _, field in dates)
