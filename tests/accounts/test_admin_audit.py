"""Every form the Django admin lets someone save writes the audit trail, through the product's services.

The admin forms are found in the admin's own registry, so a model registered later as editable, without a
service-backed save, fails here until it has one (and an example below if the reference data has none).
"""

from collections import Counter
from datetime import date

import pytest
from django import forms
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from accounts.models import AuditEvent, Organisation, OrganisationMembership, User
from accreditation.models import Visit
from assessments.models import AssessmentScheme, ProgrammeAssessmentSettings
from curriculum.models import Cohort, CurriculumEdition, Programme
from notifications.models import NotificationKind
from notifications.reference import load_notification_kinds
from tests import factories as f
from tests.assessments.factories_assessments import ensure_reference
from tests.project import PROJECT_APPS
from trainees.caseload.services import create_caseload_import
from trainees.models import (
    CaseloadImport,
    Enrolment,
    SupervisionRules,
    SupervisorAssignment,
    SupervisorProfile,
)
from workforce.models import Application, EligibilityRuleSet, Practitioner, Recruitment, ServiceStaffing
from workforce.models import Post as WorkforcePost

pytestmark = pytest.mark.django_db

# The project's own apps; the third-party admins (axes, django-otp, tasks, groups) keep their own logs.


def _cohort_with_an_educator():
    cohort = f.CohortFactory()
    cohort.educators.set([f.UserFactory()])
    return cohort


def _assessment_settings():
    ensure_reference()
    programme = f.ProgrammeFactory()
    return ProgrammeAssessmentSettings.objects.create(
        programme=programme,
        scheme=AssessmentScheme.objects.get(edition=programme.edition, is_default=True),
        attempts_allowed=2,
        moderation_sample_percent=10,
    )


def _workforce_rules():
    from workforce.models import EligibilityRuleSet
    from workforce.reference import load_workforce_rules

    load_workforce_rules()
    return EligibilityRuleSet.objects.first()


def _recruitment():
    from workforce.services import open_recruitment

    return open_recruitment(
        actor=f.UserFactory(),
        service=f.ServiceFactory(),
        name="Trainee PWPs for January",
        posts_offered=8,
        opens_on=date(2026, 9, 1),
        closes_on=date(2026, 9, 30),
    )


def _application():
    from workforce.services import record_application

    return record_application(
        actor=f.UserFactory(), recruitment=_recruitment(), reference="NHSJ-1", sex="male"
    )


def _staffing():
    from workforce.services import record_staffing

    return record_staffing(
        actor=f.UserFactory(),
        service=f.ServiceFactory(),
        counted_on=date(2026, 1, 1),
        high_intensity_headcount=6,
    )


def _post():
    from tests.workforce.factories import PostFactory

    return PostFactory()


# An existing record of each editable model, with a row in each inline where it has one (so the inline's
# rows are posted back too). Reference data (editions, routes, schemes, rules...) is loaded for every test.
def _notification_kind():
    load_notification_kinds()
    return NotificationKind.objects.order_by("pk").first()


EXAMPLES = {
    User: lambda: f.UserFactory(),
    Organisation: lambda: f.OrganisationFactory(),
    OrganisationMembership: lambda: f.AdministratorFactory(),
    Programme: lambda: f.ProgrammeMembershipFactory().programme,
    Cohort: _cohort_with_an_educator,
    SupervisionRules: lambda: SupervisionRules.objects.create(
        code="example-rules",
        name="Example rules",
        effective_from=date(2026, 1, 1),
        programme=f.ProgrammeFactory(),
    ),
    Enrolment: lambda: f.SupervisorAssignmentFactory().enrolment,
    Visit: lambda: f.VisitAssignmentFactory().visit,
    ProgrammeAssessmentSettings: _assessment_settings,
    WorkforcePost: _post,
    Practitioner: lambda: _post().practitioner,
    ServiceStaffing: _staffing,
    Recruitment: _recruitment,
    Application: _application,
    EligibilityRuleSet: _workforce_rules,
    NotificationKind: _notification_kind,
}

# What a second record needs to differ in, beyond its unique text fields.
ADD_OVERRIDES = {
    CurriculumEdition: lambda: {"is_current": ""},  # only one edition is current
    # The cohort and route are read-only on an existing enrolment (pages change them), so an add gives them.
    Enrolment: lambda: {"user": f.UserFactory().pk, "cohort": f.CohortFactory().pk, "route": f.route().pk},
    OrganisationMembership: lambda: {"user": f.UserFactory().pk},
    ProgrammeAssessmentSettings: lambda: {"programme": f.ProgrammeFactory().pk},
    SupervisionRules: lambda: {"programme": f.ProgrammeFactory().pk},
    Practitioner: lambda: {"user": f.UserFactory().pk},
    ServiceStaffing: lambda: {"counted_on": "2026-02-01"},
}


def editable_admins(permission):
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS and getattr(model_admin, permission)(request):
            yield pytest.param(model, id=model._meta.label)


def _field_data(form) -> dict:
    """What a browser would post back for `form` as it stands."""
    data = {}
    for bound in form:
        field, name, value = bound.field, bound.html_name, bound.value()
        if field.disabled:
            continue
        if field.show_hidden_initial and value is not None:
            data[bound.html_initial_name] = str(value)
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for i, part in enumerate(parts):
                if part is not None:
                    data[f"{name}_{i}"] = str(part)
        elif value is None or value is False:
            continue
        elif value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _post_data(model_admin, request, obj, *, with_rows: bool) -> dict:
    form = model_admin.get_form(request, obj, change=obj is not None)(instance=obj)
    data = _field_data(form)
    # Prefixes as the admin numbers them (ModelAdmin._create_formsets).
    prefixes = Counter()
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] += 1
        if prefixes[prefix] != 1 or not prefix:
            prefix = f"{prefix}-{prefixes[prefix]}"
        formset = formset_class(instance=obj if with_rows else model_admin.model(), prefix=prefix)
        data.update(_field_data(formset.management_form))
        for row in formset.initial_forms if with_rows else []:
            data.update(_field_data(row))
    return data


def _example(model):
    make = EXAMPLES.get(model)
    obj = make() if make else model._default_manager.first()
    assert obj is not None, f"Give an example {model._meta.label} in EXAMPLES."
    return obj


def _errors(response) -> str:
    if response.context is None:
        return ""
    form = response.context.get("adminform")
    inlines = response.context.get("inline_admin_formsets") or []
    return f"{form.form.errors if form else ''} {[i.formset.errors for i in inlines]}"


def _new_events(model, seen):
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return AuditEvent.objects.filter(object_type=label).exclude(pk__in=seen)


@pytest.fixture
def superuser(curriculum):
    return User.objects.create_superuser("admin", "admin@example.org", "not-a-real-password")


@pytest.mark.parametrize("model", list(editable_admins("has_change_permission")))
def test_saving_an_admin_change_form_writes_the_audit_trail(client, superuser, model):
    obj = _example(model)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser
    data = _post_data(model_admin, request, obj, with_rows=True)
    seen = list(AuditEvent.objects.values_list("pk", flat=True))
    client.force_login(superuser)

    response = client.post(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/", data)

    assert response.status_code == 302, _errors(response)
    event = _new_events(model, seen).get(object_id=str(obj.pk))
    assert event.actor == superuser


@pytest.mark.parametrize("model", list(editable_admins("has_add_permission")))
def test_saving_an_admin_add_form_writes_the_audit_trail(client, superuser, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser
    if model is User:
        data = {"username": "new-person", "password1": "Correct-horse-9", "password2": "Correct-horse-9"}
        data["usable_password"] = "true"
    else:
        obj = _example(model)
        data = _post_data(model_admin, request, obj, with_rows=False)
        data = _as_second_record(model, data)
    seen = list(AuditEvent.objects.values_list("pk", flat=True))
    client.force_login(superuser)

    response = client.post(f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/", data)

    assert response.status_code == 302, _errors(response)
    created = model._default_manager.order_by("-pk").first()
    event = _new_events(model, seen).filter(object_id=str(created.pk)).order_by("pk").first()
    assert event.actor == superuser
    assert event.before is None


def _as_second_record(model, data: dict) -> dict:
    unique = {fld.name for fld in model._meta.fields if fld.unique and not fld.primary_key}
    for constraint in model._meta.constraints:
        unique.update(getattr(constraint, "fields", ()))
    for name in unique:
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField) and not field.choices and name in data:
            data[name] = (data[name] + "-2")[-field.max_length :]
    data.update(ADD_OVERRIDES.get(model, dict)())
    return {name: value for name, value in data.items() if value != ""}


def test_adding_a_supervisor_in_the_enrolment_admin_goes_through_assign_supervisor(client, superuser):
    enrolment = f.EnrolmentFactory()
    model_admin = admin.site._registry[Enrolment]
    request = RequestFactory().get("/")
    request.user = superuser
    data = _post_data(model_admin, request, enrolment, with_rows=True)
    supervisor = f.UserFactory()
    # Only a qualified practitioner with a supervisor profile can be assigned as a supervisor.
    SupervisorProfile.objects.create(user=supervisor, qualified_as_pwp_on=date(2018, 9, 1))
    data.update(
        {
            "supervisor_assignments-TOTAL_FORMS": "1",
            "supervisor_assignments-0-supervisor": str(supervisor.pk),
            "supervisor_assignments-0-kind": SupervisorAssignment.Kind.CLINICAL_SKILLS,
            "supervisor_assignments-0-starts_on": str(enrolment.start_date),
        }
    )
    client.force_login(superuser)

    response = client.post(f"/admin/trainees/enrolment/{enrolment.pk}/change/", data)

    assert response.status_code == 302, _errors(response)
    assignment = enrolment.supervisor_assignments.get()
    event = AuditEvent.objects.get(action="supervisor.assigned", object_id=str(assignment.pk))
    assert event.after["supervisor"] == supervisor.username


def test_an_enrolments_cohort_route_and_status_are_read_only_in_the_admin(client, superuser):
    """Withdrawal, transfer and change of route have pages that keep their history; the admin cannot."""
    from curriculum.models import Route

    enrolment = f.EnrolmentFactory()
    other = Route.objects.filter(edition=enrolment.route.edition).exclude(pk=enrolment.route_id).first()
    model_admin = admin.site._registry[Enrolment]
    request = RequestFactory().get("/")
    request.user = superuser
    data = _post_data(model_admin, request, enrolment, with_rows=True)
    assert not {"cohort", "route", "status"} & set(data)
    data.update(
        {"route": str(other.pk), "status": Enrolment.Status.WITHDRAWN, "cohort": f.CohortFactory().pk}
    )
    client.force_login(superuser)

    response = client.post(f"/admin/trainees/enrolment/{enrolment.pk}/change/", data)

    assert response.status_code == 302, _errors(response)
    enrolment.refresh_from_db()
    assert (enrolment.route_id, enrolment.status) != (other.pk, Enrolment.Status.WITHDRAWN)
    assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.route_id != other.pk


def test_a_route_of_another_edition_is_refused_when_adding_an_enrolment_in_the_admin(client, superuser):
    from curriculum.models import CurriculumEdition, Route

    old = CurriculumEdition.objects.create(title="Old", edition_number=99, published_on="2000-01-01")
    other = Route.objects.create(edition=old, name="Old route", code="old")
    cohort = f.CohortFactory()
    model_admin = admin.site._registry[Enrolment]
    request = RequestFactory().get("/")
    request.user = superuser
    data = _post_data(model_admin, request, f.EnrolmentFactory(), with_rows=False)
    data.update({"user": f.UserFactory().pk, "cohort": cohort.pk, "route": other.pk})
    client.force_login(superuser)

    response = client.post("/admin/trainees/enrolment/add/", data, follow=True)

    assert "not part of this programme" in response.content.decode(), _errors(response)
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_programme_administrators_change_programmes_and_cohorts_on_pages_not_in_the_admin(curriculum):
    person = f.AdministratorFactory(user__is_staff=True).user
    request = RequestFactory().get("/")
    request.user = person
    for model in (Programme, Cohort):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)


def test_setting_someone_s_password_in_the_admin_is_audited_without_the_password(client, superuser):
    person = f.UserFactory()
    client.force_login(superuser)

    response = client.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": "Correct-horse-9", "password2": "Correct-horse-9", "usable_password": "true"},
    )

    assert response.status_code == 302, _errors(response)
    event = AuditEvent.objects.get(action="user.password_set", object_id=str(person.pk))
    assert event.actor == superuser
    assert "Correct-horse-9" not in str(event.before) + str(event.after)
    person.refresh_from_db()
    assert person.check_password("Correct-horse-9")


def test_deactivating_someone_in_the_admin_ends_their_sessions_through_the_service(client, superuser):
    person = f.UserFactory()
    model_admin = admin.site._registry[User]
    request = RequestFactory().get("/")
    request.user = superuser
    data = _post_data(model_admin, request, person, with_rows=True)
    data.pop("is_active")
    client.force_login(superuser)

    response = client.post(f"/admin/accounts/user/{person.pk}/change/", data)

    assert response.status_code == 302, _errors(response)
    person.refresh_from_db()
    assert not person.is_active
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(person.pk)).exists()


def test_deleting_a_visit_in_the_admin_keeps_what_it_was_in_the_audit_trail(client, superuser):
    visit = f.VisitAssignmentFactory().visit
    client.force_login(superuser)

    response = client.post(f"/admin/accreditation/visit/{visit.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Visit.objects.filter(pk=visit.pk).exists()
    event = AuditEvent.objects.get(action="visit.deleted", object_id=str(visit.pk))
    assert event.before["title"] == visit.title


def test_enrolments_cannot_be_deleted_in_the_admin(client, superuser):
    enrolment = f.EnrolmentFactory()
    client.force_login(superuser)

    response = client.post(f"/admin/trainees/enrolment/{enrolment.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_a_caseload_import_is_recorded_through_the_service_with_its_audit_event(curriculum):
    enrolment = f.EnrolmentFactory()

    job = create_caseload_import(
        actor=enrolment.user,
        enrolment=enrolment,
        mapping=None,
        original_name="contacts.csv",
        file_format=CaseloadImport.Format.CSV,
        dry_run=True,
    )

    assert job.status == CaseloadImport.Status.QUEUED
    assert job.service == enrolment.employing_service
    assert job.requested_by == enrolment.user
    event = AuditEvent.objects.get(action="caseload.import_requested", object_id=str(job.pk))
    assert event.actor == enrolment.user
    assert event.after == {
        "enrolment": enrolment.pk,
        "file": "contacts.csv",
        "format": "csv",
        "mapping": "",
        "profile": "",
        "dry_run": True,
    }
