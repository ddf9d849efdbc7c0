"""The CPD log pages: the practitioner records, a supervisor confirms, programme staff reopen."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import DomainError, record_event
from core.spreadsheets import file_download
from trainees.access import access_to, enrolment_access_for
from trainees.cpd import services as services
from trainees.cpd.forms import CpdActivityForm, ReopenForm
from trainees.cpd.selectors import cpd_log, get_cpd_activity_for_user


def _log_url(activity):
    return redirect("trainees:cpd", activity.enrolment_id)


def cpd_list(request, pk):
    access = enrolment_access_for(request.user, pk)
    enrolment = access.enrolment
    activities = cpd_log(enrolment)
    context = {
        "enrolment": enrolment,
        "activities": activities,
        "access": access,
        "total_hours": sum(a.hours for a in activities),
    }
    return render(request, "trainees/cpd_list.html", context)


def cpd_add(request, pk):
    access = enrolment_access_for(request.user, pk)
    access.require("add_cpd")
    enrolment = access.enrolment
    form = CpdActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_cpd_activity(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The activity is in your CPD log. Your supervisor can now confirm it.")
            return redirect("trainees:cpd", enrolment.pk)
    return render(request, "trainees/cpd_form.html", {"enrolment": enrolment, "form": form, "access": access})


def cpd_edit(request, pk):
    activity = get_cpd_activity_for_user(request.user, pk)
    access = access_to(request.user, activity.enrolment)
    access.require("edit_cpd")
    if activity.is_confirmed:
        messages.error(request, "This activity is confirmed, so it cannot be changed.")
        return _log_url(activity)
    form = CpdActivityForm(request.POST or None, request.FILES or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        try:
            services.update_cpd_activity(actor=request.user, activity=activity, evidence=evidence, **data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The activity is updated.")
            return _log_url(activity)
    context = {"enrolment": activity.enrolment, "form": form, "activity": activity, "access": access}
    return render(request, "trainees/cpd_form.html", context)


@require_POST
def cpd_confirm(request, pk):
    activity = get_cpd_activity_for_user(request.user, pk)
    access_to(request.user, activity.enrolment).require("confirm_cpd")
    try:
        services.confirm_cpd_activity(actor=request.user, activity=activity)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You confirmed “{activity.title}”.")
    return _log_url(activity)


def cpd_reopen(request, pk):
    activity = get_cpd_activity_for_user(request.user, pk)
    access_to(request.user, activity.enrolment).require("reopen_cpd")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_cpd_activity(
                actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The activity is reopened: the practitioner can now correct it.")
            return _log_url(activity)
    return render(request, "trainees/cpd_reopen.html", {"activity": activity, "form": form})


def cpd_evidence(request, pk):
    """The evidence file, only through this access check, always as a download."""
    activity = get_cpd_activity_for_user(request.user, pk)
    if not activity.evidence:
        raise Http404("This activity has no evidence file.")
    record_event(actor=request.user, action="cpd.evidence_downloaded", obj=activity)
    extension = activity.evidence.name.rsplit(".", 1)[-1]
    filename = f"cpd-evidence-{activity.pk}.{extension}"
    return file_download(activity.evidence.open("rb"), filename=filename)
