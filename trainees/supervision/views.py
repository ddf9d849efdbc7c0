"""Supervision pages: the trainee's log and compliance, confirmation, reports, supervisors, services.

Thin views: fetch through a `get_<thing>_for_user()` helper (404 for what a person may not see), answer 403
where they may see but not act, then call one service or selector.
"""

from datetime import date

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from accounts.services import DomainError, record_event
from core.dates import long_date
from core.spreadsheets import file_download
from curriculum.selectors import programmes_for_user
from trainees.access import access_to, enrolment_access_for, staff_access
from trainees.enrolment.facts import Area, remember
from trainees.enrolment.services import assign_supervisor, set_external_identifiers
from trainees.models import SitePlacement, SupervisorAssignment, SupervisorProfile, SupervisorReport
from trainees.supervision import selectors as selectors
from trainees.supervision import services as services
from trainees.supervision.forms import (
    AssignmentForm,
    EndAssignmentForm,
    IdentifiersForm,
    LeaveForm,
    PlacementForm,
    ReopenForm,
    ReportForm,
    SessionForm,
    SiteForm,
    SiteStaffForm,
    SupervisorProfileForm,
    TrainingForm,
)

SUPERVISEE_ROWS_DRAWN = Area("supervisee-row")


def drawn_supervisee_rows(supervisor, enrolments, *, today: date) -> SafeString:
    """The supervisor's home's rows, one per supervisee (name, cohort and role, this week, weeks missed,
    overdue reviews), worked out and drawn once per records version and day and remembered: drawing them was
    most of the home's time. Each supervisor keeps their own (the role is theirs), and a row is drawn again
    when the name, cohort or role it shows has changed, as those are not the trainee's records."""

    def draw(missing) -> dict[int, str]:
        rows = selectors.supervisee_weeks(missing, today=today)
        return {
            row.enrolment.pk: render_to_string(
                "trainees/supervision/includes/supervisee_row.html", {"row": row}
            )
            for row in rows
        }

    def shown(enrolment) -> tuple:
        kinds = tuple(a.kind for a in enrolment.my_assignments)
        return (enrolment.user.display_name, enrolment.cohort.name, kinds)

    drawn = remember(
        SUPERVISEE_ROWS_DRAWN,
        enrolments,
        params=(today,),
        compute=draw,
        variant=str(supervisor.pk),
        also=shown,
    )
    return mark_safe("".join(drawn[e.pk] for e in enrolments))  # noqa: S308 - each row drawn by its template


def waiting(request):
    """Everything waiting for the signed-in person as a supervisor, each list in full (the home shows the
    oldest few of each and links here)."""
    context = {
        "supervision": selectors.waiting_lists(request.user),
        "home_limit": selectors.HOME_LIMIT,
    }
    return render(request, "trainees/supervision/waiting.html", context)


def _supervision_url(enrolment_id: int) -> str:
    return reverse("trainees:supervision", args=[enrolment_id])


def _domain_error(request, error: DomainError):
    messages.error(request, str(error))


# ---------------------------------------------------------------------------------------------------------
# The trainee's supervision page and the log


def trainee_supervision(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    context = selectors.supervision_page(access, today=timezone.localdate())
    context["enrolment"] = enrolment
    return render(request, "trainees/supervision/trainee.html", context)


def log_session(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("log_supervision")
    enrolment = access.enrolment
    form = SessionForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_session(actor=request.user, enrolment=enrolment, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Session logged. Your supervisor will be asked to confirm it.")
            return redirect(_supervision_url(enrolment.pk))
    return render(
        request,
        "trainees/supervision/session_form.html",
        {"form": form, "enrolment": enrolment, "session": None},
    )


def session_detail(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    enrolment = session.enrolment
    access = access_to(request.user, enrolment)
    context = {
        "access": access,
        "session": session,
        "enrolment": enrolment,
        "cases": list(session.cases_reviewed.order_by("reference")),
        "history": selectors.session_history(session),
        "replaced_by": getattr(session, "replaced_by", None) if session.is_confirmed else None,
        "can_confirm": not session.is_confirmed and access.can("confirm_supervision_session", session),
        "can_edit": access.can("edit_supervision", session),
        "can_reopen": session.is_confirmed and access.can("reopen_supervision"),
        "reopen_form": ReopenForm(),
    }
    return render(request, "trainees/supervision/session_detail.html", context)


def session_edit(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    enrolment = session.enrolment
    access_to(request.user, enrolment).require("edit_supervision", session)
    form = SessionForm(request.POST or None, enrolment=enrolment, initial=SessionForm.initial_from(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(actor=request.user, session=session, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Entry updated.")
            return redirect("trainees:supervision_session", pk=session.pk)
    return render(
        request,
        "trainees/supervision/session_form.html",
        {"form": form, "enrolment": enrolment, "session": session},
    )


def session_withdraw(request, pk):
    """Withdrawing deletes the entry, so it asks first on its own page: GET says what goes, POST does it."""
    session = selectors.get_session_for_user(request.user, pk)
    access_to(request.user, session.enrolment).require("withdraw_supervision", session)
    if request.method != "POST":
        return render(
            request,
            "trainees/supervision/withdraw.html",
            {"session": session, "enrolment": session.enrolment},
        )
    try:
        services.withdraw_session(actor=request.user, session=session)
    except DomainError as error:
        _domain_error(request, error)
        return redirect("trainees:supervision_session", pk=session.pk)
    messages.success(request, f"{session} is withdrawn.")
    return redirect(_supervision_url(session.enrolment_id))


@require_POST
def session_confirm(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    # Whatever the POST contains, only the supervisor named on the entry may confirm it: never the trainee.
    access_to(request.user, session.enrolment).require("confirm_supervision_session", session)
    try:
        services.confirm_session(actor=request.user, session=session)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(
            request, f"Confirmed {session.enrolment.user.display_name}'s session on {session.date:%-d %B %Y}."
        )
    back_to = _CONFIRMED_FROM.get(request.POST.get("next", ""))
    if back_to:
        return redirect(back_to)
    return redirect("trainees:supervision_session", pk=session.pk)


# Where confirming a session from a list returns to (`next`), as the lists name themselves.
_CONFIRMED_FROM = {"home": "home", "waiting": "trainees:supervisor_waiting"}


def session_reopen(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    access_to(request.user, session.enrolment).require("reopen_supervision")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reopen_session(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Entry reopened. It waits for the supervisor to confirm it again.")
            return redirect("trainees:supervision_session", pk=new.pk)
    return render(
        request,
        "trainees/supervision/reopen.html",
        {"form": form, "session": session, "enrolment": session.enrolment},
    )


def record_leave(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_leave")
    enrolment = access.enrolment
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_leave(
                actor=request.user,
                enrolment=enrolment,
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Leave recorded. Weeks it takes up are not counted.")
            return redirect(_supervision_url(enrolment.pk))
    programme_id = enrolment.cohort.programme_id
    rules = selectors.rules_for_programmes([programme_id], on=timezone.localdate())[programme_id]
    return render(
        request,
        "trainees/supervision/leave_form.html",
        {"form": form, "enrolment": enrolment, "absence_days": rules.absence_days_to_exclude_week},
    )


# ---------------------------------------------------------------------------------------------------------
# Supervisor reports


def report_new(request, pk, kind):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    if kind not in SupervisorReport.Kind.values:
        raise Http404("No such report.")
    access.require("write_report")
    today = timezone.localdate()
    form = ReportForm(
        request.POST or None,
        initial={
            "period_start": enrolment.start_date,
            "period_end": min(today, enrolment.completed_on or today),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.start_report(
                actor=request.user, enrolment=enrolment, kind=kind, **_report_fields(form)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report saved as a draft. Sign it when it is complete.")
            return redirect("trainees:supervisor_report", pk=report.pk)
    return render(
        request,
        "trainees/supervision/report_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "kind_label": SupervisorReport.Kind(kind).label,
            "report": None,
        },
    )


def _report_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.REPORT_FIELDS}


def report_detail(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    context = {
        "report": report,
        "enrolment": report.enrolment,
        "can_edit": access_to(request.user, report.enrolment).can("edit_report", report),
    }
    return render(request, "trainees/supervision/report_detail.html", context)


def report_edit(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    access_to(request.user, report.enrolment).require("edit_report", report)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(actor=request.user, report=report, **_report_fields(form))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Report saved.")
            return redirect("trainees:supervisor_report", pk=report.pk)
    return render(
        request,
        "trainees/supervision/report_form.html",
        {
            "form": form,
            "enrolment": report.enrolment,
            "kind_label": report.get_kind_display(),
            "report": report,
        },
    )


@require_POST
def report_sign(request, pk):
    report = selectors.get_report_for_user(request.user, pk)
    access_to(request.user, report.enrolment).require("sign_report", report)
    try:
        services.sign_report(actor=request.user, report=report)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(request, "Report signed. It can no longer be changed.")
    return redirect("trainees:supervisor_report", pk=report.pk)


# ---------------------------------------------------------------------------------------------------------
# Supervisor assignments and site placement (programme staff)


def assignments(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("manage_assignments")
    enrolment = access.enrolment
    form = AssignmentForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            assign_supervisor(
                actor=request.user,
                enrolment=enrolment,
                supervisor=form.cleaned_data["supervisor"],
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data.get("ends_on"),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{form.cleaned_data['supervisor'].display_name} assigned.")
            return redirect("trainees:supervisor_assignments", pk=enrolment.pk)
    rows = list(
        SupervisorAssignment.objects.filter(enrolment=enrolment)
        .select_related("supervisor")
        .order_by("kind", "-starts_on")
    )
    restorable = selectors.restorable_assignments(actor=request.user, assignments=rows)
    for row in rows:
        row.restorable = row.pk in restorable
    placement = SitePlacement.objects.filter(enrolment=enrolment).select_related("site").first()
    return render(
        request,
        "trainees/supervision/assignments.html",
        {
            "enrolment": enrolment,
            "form": form,
            "assignments": rows,
            "today": timezone.localdate(),
            "placement": placement,
            "placement_form": PlacementForm(
                enrolment=enrolment, initial={"site": placement.site_id if placement else None}
            ),
            "identifiers_form": IdentifiersForm(
                initial={"service_staff_id": enrolment.service_staff_id, "hesa_number": enrolment.hesa_number}
            ),
        },
    )


def _assignment_for_staff(request, pk):
    assignment = SupervisorAssignment.objects.filter(pk=pk).select_related("enrolment", "supervisor").first()
    if assignment is None:
        raise Http404("No such assignment.")
    access = enrolment_access_for(request.user, assignment.enrolment_id)
    access.require("manage_assignments")
    return assignment, access


def assignment_end(request, pk):
    """Ending an assignment asks first, on its own page: GET says what will change, POST does it."""
    assignment, access = _assignment_for_staff(request, pk)
    enrolment = access.enrolment
    today = timezone.localdate()
    form = EndAssignmentForm(request.POST or None, initial={"ends_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_assignment(
                actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            who, role = assignment.supervisor.display_name, assignment.get_kind_display().lower()
            last_day = long_date(form.cleaned_data["ends_on"])
            messages.success(
                request,
                f"{who}'s assignment as {role} ends on {last_day}. If that was a mistake, "
                "you can restore it from this page until the end of today.",
            )
            return redirect("trainees:supervisor_assignments", pk=enrolment.pk)
    return render(
        request,
        "trainees/supervision/assignment_end.html",
        {"enrolment": enrolment, "assignment": assignment, "form": form, "today": today},
    )


def assignment_restore(request, pk):
    """The person who ended an assignment takes it back on the same day: GET asks, POST restores."""
    assignment, access = _assignment_for_staff(request, pk)
    enrolment = access.enrolment
    ending = selectors.ending_to_restore(actor=request.user, assignment=assignment)
    error = None
    if request.method == "POST":
        try:
            services.restore_assignment(actor=request.user, assignment=assignment)
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{assignment.supervisor.display_name}'s assignment is restored.")
            return redirect("trainees:supervisor_assignments", pk=enrolment.pk)
    previous = (ending.before or {}).get("ends_on") if ending else None
    return render(
        request,
        "trainees/supervision/assignment_restore.html",
        {
            "enrolment": enrolment,
            "assignment": assignment,
            "ending": ending,
            "previous_end": date.fromisoformat(previous) if previous else None,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def placement(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_placement")
    enrolment = access.enrolment
    form = PlacementForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.place_trainee(actor=request.user, enrolment=enrolment, site=form.cleaned_data["site"])
        except DomainError as error:
            _domain_error(request, error)
        else:
            messages.success(request, f"Site recorded: {form.cleaned_data['site'].name}.")
    else:
        messages.error(request, "Choose one of the service's sites.")
    return redirect("trainees:supervisor_assignments", pk=enrolment.pk)


@require_POST
def identifiers(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("record_placement")
    enrolment = access.enrolment
    form = IdentifiersForm(request.POST)
    if form.is_valid():
        try:
            set_external_identifiers(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except DomainError as error:
            _domain_error(request, error)
        else:
            messages.success(request, "Identifiers recorded.")
    else:
        messages.error(request, "The staff identifier is at most 40 characters and the HESA number 20.")
    return redirect("trainees:supervisor_assignments", pk=enrolment.pk)


# ---------------------------------------------------------------------------------------------------------
# Supervisors, profiles and credentials


def supervisors_index(request):
    if not programmes_for_user(request.user).exists():
        raise Http404("No supervisors to show.")
    rows = selectors.supervisors_list(request.user, today=timezone.localdate())
    return render(request, "trainees/supervision/supervisors.html", {"rows": rows})


def supervisor_detail(request, pk):
    supervisor = selectors.get_supervisor_for_user(request.user, pk)
    today = timezone.localdate()
    on = today
    if request.GET.get("on"):
        try:
            on = date.fromisoformat(request.GET["on"])
        except ValueError:
            messages.error(request, "Give the date as a full date, for example 2026-03-31.")
    context = selectors.supervisor_page(supervisor, request.user, on=on, today=today)
    context.update({"supervisor": supervisor, "on": on, "today": today})
    return render(request, "trainees/supervision/supervisor.html", context)


def supervisor_profile_edit(request):
    staff_access(request.user).require("keep_supervisor_profile")
    profile = SupervisorProfile.objects.filter(user=request.user).first() or SupervisorProfile(
        user=request.user
    )
    form = SupervisorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.save_supervisor_profile(
            actor=request.user,
            supervisor=request.user,
            professional_background=form.cleaned_data["professional_background"],
            pwp_experience=form.cleaned_data["pwp_experience"],
            qualified_as_pwp_on=form.cleaned_data["qualified_as_pwp_on"],
        )
        messages.success(request, "Profile saved.")
        return redirect("trainees:supervisor", pk=request.user.pk)
    return render(request, "trainees/supervision/profile_form.html", {"form": form})


def training_add(request, pk):
    supervisor = selectors.get_supervisor_for_user(request.user, pk)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_training(
                actor=request.user,
                supervisor=supervisor,
                kind=form.cleaned_data["kind"],
                provider=form.cleaned_data["provider"],
                provider_iapt_accredited=form.cleaned_data["provider_iapt_accredited"],
                completed_on=form.cleaned_data["completed_on"],
                certificate=form.cleaned_data.get("certificate"),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Training recorded. It shows as unverified until programme staff verify it."
            )
            return redirect("trainees:supervisor", pk=supervisor.pk)
    return render(
        request, "trainees/supervision/training_form.html", {"form": form, "supervisor": supervisor}
    )


@require_POST
def training_verify(request, pk):
    training = selectors.get_training_for_user(request.user, pk)
    staff_access(request.user).require("verify_training", training.supervisor)
    try:
        services.verify_training(actor=request.user, training=training)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(request, f"Verified: {training}.")
    return redirect("trainees:supervisor", pk=training.supervisor_id)


def training_certificate(request, pk):
    training = selectors.get_training_for_user(request.user, pk)
    if not training.certificate:
        raise Http404("No certificate was uploaded.")
    try:
        handle = default_storage.open(training.certificate.name, "rb")
    except FileNotFoundError as error:
        raise Http404("The certificate file is missing.") from error
    record_event(actor=request.user, action="supervisor.certificate_downloaded", obj=training)
    return file_download(
        handle,
        filename=training.certificate_filename or "certificate",
        content_type=training.certificate_content_type or "application/octet-stream",
    )


# ---------------------------------------------------------------------------------------------------------
# Services and their sites


def services_index(request):
    if not programmes_for_user(request.user).exists():
        raise Http404("No services to show.")
    services_list = list(selectors.services_for_user(request.user))
    return render(request, "trainees/supervision/services.html", {"services": services_list})


def service_detail(request, code):
    service = selectors.get_service_for_user(request.user, code)
    staff = staff_access(request.user)
    can_manage = staff.can("record_sites", service)
    form = SiteForm(request.POST or None, initial={"counted_on": timezone.localdate()})
    if request.method == "POST":
        if not can_manage:
            staff.require("record_sites", service)  # refuses and audits
        if form.is_valid():
            try:
                services.add_site(actor=request.user, service=service, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Site added: {form.cleaned_data['name']}.")
                return redirect("trainees:service", code=service.code)
    rows, rules = selectors.site_ratios(service, today=timezone.localdate())
    return render(
        request,
        "trainees/supervision/service.html",
        {"service": service, "rows": rows, "rules": rules, "form": form, "can_manage": can_manage},
    )


def site_edit(request, pk):
    site = selectors.get_site_for_user(request.user, pk)
    staff_access(request.user).require("change_sites", site.service)
    form = SiteStaffForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.update_site(
            actor=request.user,
            site=site,
            qualified_staff=form.cleaned_data["qualified_staff"],
            counted_on=form.cleaned_data["counted_on"],
        )
        messages.success(request, f"{site.name} updated.")
        return redirect("trainees:service", code=site.service.code)
    return render(request, "trainees/supervision/site_form.html", {"form": form, "site": site})
