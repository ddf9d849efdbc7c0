"""Caseload pages: the trainee's caseload, recording contacts, closing cases, importing an export, a
programme's ramp settings, and supervisors' view of their supervisees' caseloads.

Everyone who may see the trainee's record may see the caseload (the trainee, current supervisors,
programme staff and administrators); only the trainee records contacts, closes cases and imports.
"""

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods
from django_tables2 import LazyPaginator, RequestConfig

from accounts.services import DomainError
from curriculum.selectors import get_programme_for_user
from trainees.access import enrolment_access_for, services_administered_by, staff_access
from trainees.caseload.chart import caseload_chart
from trainees.caseload.forms import (
    CaseloadSettingsForm,
    CloseCaseForm,
    ContactForm,
    MappingForm,
    ServiceUploadForm,
    UploadForm,
)
from trainees.caseload.importer import FIELDS, run_caseload_import
from trainees.caseload.selectors import (
    REGISTRATION_STEP2_HOURS_PER_WEEK,
    caseload_overview,
    cases_for,
    closed_cases_for,
    contacts_for,
    default_profile,
    get_case_for_enrolment,
    mappings_for_service,
    programme_ramps,
)
from trainees.caseload.services import (
    close_case,
    create_caseload_import,
    decide_awaiting_import,
    record_contact,
    save_column_mapping,
    set_caseload_settings,
)
from trainees.caseload.tables import (
    CaseTable,
    ClosedCaseTable,
    ContactFilter,
    ContactTable,
    SuperviseeCaseloadTable,
)
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.selectors import supervisees
from trainees.imports.selectors import profiles_for_owner
from trainees.models import CaseloadImport, CaseloadSettings, Enrolment, ImportProfile


def _own_enrolment(request, pk):
    """The trainee's own enrolment: 404 for what they may not see, 403 for staff who may only read it."""
    access = enrolment_access_for(request.user, pk)
    access.require("record_caseload")
    return access.enrolment


@dataclass(frozen=True)
class DrawnOverview:
    """The caseload page above its lists, drawn: its status line's parts and the HTML of the rest (safe HTML
    from the template, kept safe through the remembered row)."""

    status: str
    status_label: str
    reason: str
    html: SafeString


OVERVIEW_DRAWN = Area("caseload-overview")


def _drawn_overview(enrolment, *, on, who: str) -> DrawnOverview:
    """The figures, chart, month-by-month and practice tables, worked out and drawn once per records version,
    day and reader ("you" for the trainee, their name for staff) and remembered: drawing them was most of the
    page's time, and they change only with the trainee's records (or the programme's ramp, which bumps them).
    Only the three lists below are read live, as they page, sort and filter."""

    def draw(_missing) -> dict[int, DrawnOverview]:  # only this trainee is asked about
        overview = caseload_overview(enrolment, on=on)
        context = {
            "figures": overview.figures,
            "year": overview.year,
            "ramp": overview.ramp,
            "chart": caseload_chart(overview.year, who=who),
            "practice": overview.practice,
            "registration_hours": REGISTRATION_STEP2_HOURS_PER_WEEK,
        }
        figures = overview.figures
        html = render_to_string("trainees/caseload/includes/overview.html", context)
        return {enrolment.pk: DrawnOverview(figures.status, figures.status_label, figures.reason, html)}

    variant = "own" if who == "you" else ""  # the trainee's and staff's drawings kept side by side
    return remember(OVERVIEW_DRAWN, [enrolment], params=(on, who), compute=draw, variant=variant)[
        enrolment.pk
    ]


def caseload(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    today = timezone.localdate()
    records = access.can("record_caseload")
    who = "you" if access.own else enrolment.user.display_name
    overview = _drawn_overview(enrolment, on=today, who=who)
    filterset = ContactFilter(request.GET or None, queryset=contacts_for(enrolment))
    contacts = ContactTable(filterset.qs, prefix="c-", caption="Contacts")
    RequestConfig(request, paginate={"per_page": 25}).configure(contacts)
    # The cases are paged without a count query: each list costs one query whatever its length.
    cases = CaseTable(cases_for(enrolment).open_on(today), prefix="k-", can_close=records)
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": LazyPaginator}).configure(cases)
    closed = ClosedCaseTable(closed_cases_for(enrolment, on=today), prefix="d-")
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": LazyPaginator}).configure(closed)
    context = {
        "enrolment": enrolment,
        "access": access,
        "overview": overview,
        "contacts": contacts,
        "filter": filterset,
        "cases": cases,
        "closed_cases": closed,
        "imports": list(enrolment.caseload_imports.order_by("-created_at")[:5]) if records else [],
    }
    return render(request, "trainees/caseload/caseload.html", context)


@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    enrolment = _own_enrolment(request, pk)
    form = ContactForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = record_contact(
                actor=request.user,
                enrolment=enrolment,
                case_reference=data["case_reference"],
                presenting_problem=data["presenting_problem"],
                date=data["date"],
                type=data["type"],
                mode=data["mode"],
                intervention=data["intervention"],
                minutes=data["minutes"],
                phq9=data["phq9"],
                gad7=data["gad7"],
                wsas=data["wsas"],
                outcome=data["outcome"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Contact recorded: {contact}.")
            if "another" in request.POST:
                return redirect("trainees:caseload_contact_new", pk=enrolment.pk)
            return redirect("trainees:caseload", pk=enrolment.pk)
    return render(request, "trainees/caseload/contact_form.html", {"enrolment": enrolment, "form": form})


@require_http_methods(["GET", "POST"])
def case_close(request, pk, case_pk):
    enrolment = _own_enrolment(request, pk)
    case = get_case_for_enrolment(enrolment, case_pk)
    if case is None:
        raise Http404("No case found.")
    form = CloseCaseForm(request.POST or None, case=case, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            close_case(actor=request.user, case=case, closed_on=form.cleaned_data["closed_on"])
        except DomainError as error:
            form.add_error("closed_on", str(error))
        else:
            messages.success(request, f"Case {case.reference} is closed.")
            return redirect("trainees:caseload", pk=enrolment.pk)
    return render(
        request, "trainees/caseload/case_close.html", {"enrolment": enrolment, "case": case, "form": form}
    )


def _queue_upload(request, *, enrolment, form, mapping=None) -> CaseloadImport:
    """Store the upload under a name the server chooses and queue the import (the task deletes the file)."""
    upload = form.cleaned_data["file"]
    extension = PurePath(upload.name).suffix.lower()
    stored = default_storage.save(f"caseload-imports/{uuid.uuid4().hex}{extension}", upload)
    companions = {
        kind: {
            "stored": default_storage.save(
                f"caseload-imports/{uuid.uuid4().hex}{PurePath(part.name).suffix.lower()}", part
            ),
            "name": PurePath(part.name).name[:200],
        }
        for kind, part in form.companions().items()
    }
    job = create_caseload_import(
        actor=request.user,
        enrolment=enrolment,
        mapping=mapping,
        profile=form.cleaned_data["profile"],
        original_name=PurePath(upload.name).name,
        stored_name=stored,
        companions=companions,
        file_format=extension.lstrip("."),
        dry_run=form.cleaned_data["dry_run"],
    )
    try:
        run_caseload_import.enqueue(job.pk)
    except Exception:
        # No task queued, so nothing will delete the stored copies: do it now, and say so.
        for name in [stored, *(part["stored"] for part in companions.values())]:
            default_storage.delete(name)
        CaseloadImport.objects.filter(pk=job.pk).update(
            status=CaseloadImport.Status.FAILED,
            stored_name="",
            companions={},
            message="The import could not be queued.",
        )
        raise
    return job


@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    enrolment = _own_enrolment(request, pk)
    mappings = list(mappings_for_service(enrolment.employing_service_id))
    profiles = list(profiles_for_owner(enrolment.employing_service, kind=ImportProfile.Kind.CASELOAD))
    form = UploadForm(request.POST or None, request.FILES or None, mappings=mappings, profiles=profiles)
    if request.method == "POST" and form.is_valid():
        job = _queue_upload(request, enrolment=enrolment, form=form, mapping=form.cleaned_data["mapping"])
        return redirect("trainees:caseload_import", pk=enrolment.pk, job_pk=job.pk)
    context = {
        "enrolment": enrolment,
        "form": form,
        "fields": FIELDS,
        "mappings": mappings,
        "profiles": profiles,
        "imports": list(enrolment.caseload_imports.order_by("-created_at")[:10]),
    }
    return render(request, "trainees/caseload/import_upload.html", context)


def _answer_awaiting(request, job: CaseloadImport) -> None:
    """Confirm (queue the import again, without the plausibility check) or decline an upload that looked
    implausible; the POST's `decision` says which."""
    confirm = request.POST.get("decision") == "confirm"
    try:
        decide_awaiting_import(actor=request.user, job=job, confirm=confirm)
    except DomainError as error:
        messages.error(request, str(error))
        return
    if confirm:
        run_caseload_import.enqueue(job.pk, confirmed=True)
        messages.success(request, f"{job.original_name} is being imported as you confirmed.")
    else:
        messages.success(request, f"{job.original_name} was not imported.")


@require_http_methods(["GET", "POST"])
def import_result(request, pk, job_pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    job = enrolment.caseload_imports.filter(pk=job_pk).first()
    if job is None:
        raise Http404("No import found.")
    if request.method == "POST":
        access.require("record_caseload")  # only the trainee answers for their own upload
        _answer_awaiting(request, job)
        return redirect("trainees:caseload_import", pk=enrolment.pk, job_pk=job.pk)
    context = {
        "enrolment": enrolment,
        "job": job,
        "access": access,
        "can_confirm": job.status == CaseloadImport.Status.AWAITING and access.can("record_caseload"),
    }
    return render(request, "trainees/caseload/import_result.html", context)


@require_http_methods(["GET", "POST"])
def mapping_new(request, pk):
    enrolment = _own_enrolment(request, pk)
    service = enrolment.employing_service
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = save_column_mapping(
                actor=request.user, service=service, name=form.cleaned_data["name"], headings=form.headings()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Column mapping “{mapping.name}” saved for {service}.")
            return redirect("trainees:caseload_import_upload", pk=enrolment.pk)
    context = {
        "enrolment": enrolment,
        "form": form,
        "service": service,
        "mappings": mappings_for_service(service.pk),
    }
    return render(request, "trainees/caseload/mapping_form.html", context)


@require_http_methods(["GET", "POST"])
def programme_settings(request, code):
    programme = get_programme_for_user(request.user, code)
    staff = staff_access(request.user)
    can_change = staff.can("change_caseload_settings", programme)
    current = CaseloadSettings.objects.filter(programme=programme).select_related("profile").first()
    if request.method == "POST" and not can_change:
        staff.require("change_caseload_settings", programme)  # refuses and audits
    initial = {
        "profile": current.profile if current else default_profile(),
        "annual_caseload": current.annual_caseload if current else 250,
        "none_months": current.none_months if current else None,
        "contact_hours_target": current.contact_hours_target if current else 80,
    }
    form = CaseloadSettingsForm(request.POST or None, initial=initial) if can_change else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            set_caseload_settings(actor=request.user, programme=programme, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Caseload ramp saved.")
            return redirect("trainees:caseload_settings", code=programme.code)
    ramp, target = programme_ramps([programme.pk])[programme.pk]
    months = [
        {"month": m, "share": ramp.month_share(m), "expected": ramp.month_share(m) * ramp.monthly_rate}
        for m in range(1, ramp.training_months + 1)
    ]
    context = {
        "programme": programme,
        "form": form,
        "ramp": ramp,
        "target": target,
        "months": months,
        "is_default": current is None,
    }
    return render(request, "trainees/caseload/programme_settings.html", context)


def supervisee_caseloads(request):
    table = SuperviseeCaseloadTable(list(supervisees(request.user)))
    return render(request, "trainees/caseload/supervisees.html", {"table": table})


# ---------------------------------------------------------------------------------------------------------
# A service administrator imports the service's extract for one of its trainees


def _administered_service(request, code):
    service = services_administered_by(request.user).filter(code=code).first()
    if service is None:
        raise Http404("No such service.")
    staff_access(request.user).require("import_service_caseloads", service)
    return service


@require_http_methods(["GET", "POST"])
def service_import_upload(request, code):
    service = _administered_service(request, code)
    enrolments = list(
        Enrolment.objects.with_people()
        .filter(employing_service=service, status=Enrolment.Status.ACTIVE)
        .order_by("user__last_name", "user__first_name")
    )
    profiles = list(profiles_for_owner(service, kind=ImportProfile.Kind.CASELOAD))
    form = ServiceUploadForm(
        request.POST or None, request.FILES or None, enrolments=enrolments, profiles=profiles
    )
    if request.method == "POST" and form.is_valid():
        job = _queue_upload(request, enrolment=form.cleaned_data["trainee"], form=form)
        return redirect("trainees:service_caseload_import", code=service.code, job_pk=job.pk)
    imports = list(
        CaseloadImport.objects.filter(service=service)
        .select_related("enrolment__user")
        .order_by("-created_at")[:10]
    )
    context = {"service": service, "form": form, "profiles": profiles, "imports": imports}
    return render(request, "trainees/caseload/service_import_upload.html", context)


@require_http_methods(["GET", "POST"])
def service_import_result(request, code, job_pk):
    service = _administered_service(request, code)
    job = CaseloadImport.objects.filter(service=service, pk=job_pk).select_related("enrolment__user").first()
    if job is None:
        raise Http404("No import found.")
    if request.method == "POST":
        _answer_awaiting(request, job)
        return redirect("trainees:service_caseload_import", code=service.code, job_pk=job.pk)
    context = {
        "service": service,
        "job": job,
        "can_confirm": job.status == CaseloadImport.Status.AWAITING,
    }
    return render(request, "trainees/caseload/service_import_result.html", context)
