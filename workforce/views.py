"""Workforce pages: a person's own history, and a service's reports and decisions.

Thin views: check access (a service's figures are for its administrators; a person's history for that
person), call one selector or service, respond. Every report view is an audit event.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import DomainError
from core.spreadsheets import download
from curriculum.selectors import cohorts_for_user
from workforce import charts, exports, reports, selectors
from workforce import services as workforce_services
from workforce.access import get_workforce_service_for_user, workforce_services_for_user
from workforce.forms import (
    ApplicationForm,
    AsOfForm,
    CorrectionForm,
    DecisionForm,
    DiversityForm,
    EndPostForm,
    OutcomeForm,
    PostForm,
    RecruitmentForm,
    StaffingForm,
)
from workforce.models import DIVERSITY_DIMENSIONS
from workforce.suppression import HIDDEN

REPORTS = {
    "retention": "Retention after qualifying",
    "turnover": "Turnover",
    "staffing": "Staffing: ratios, balance and bands",
    "diversity": "Diversity of the workforce",
    "applicants": "Applicants and recruitment",
}


def _as_of(request):
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, as_of or timezone.localdate()


def index(request):
    services = list(workforce_services_for_user(request.user))
    return render(request, "workforce/index.html", {"services": services})


def service_overview(request, code):
    service = get_workforce_service_for_user(request.user, code)
    context = {
        "service": service,
        "reports": REPORTS,
        "proposals": selectors.proposed_posts(service).count(),
        "corrections": selectors.pending_corrections(service).count(),
    }
    return render(request, "workforce/service.html", context)


def _report(request, code, name):
    service = get_workforce_service_for_user(request.user, code)
    form, as_of = _as_of(request)
    # Every report is worked out and suppressed with the others, so no page can be differenced with another.
    everything = reports.service_report(service, as_of)
    context = {"service": service, "form": form, "as_of": as_of, "report_name": name, "reports": REPORTS}
    context["hidden_words"] = HIDDEN
    if name == "retention":
        context["report"] = report = everything["retention"]
        context["chart"] = charts.retention_chart(report.curves)
    elif name == "turnover":
        context["years"] = everything["turnover"]
    elif name == "staffing":
        context["report"] = report = everything["staffing"]
        context["chart"] = charts.band_mix_chart(report.band_mix)
    else:
        context["report"] = everything[name]
    workforce_services.record_report_view(actor=request.user, report=name, service=service, as_of=as_of)
    return render(request, f"workforce/{name}.html", context)


def export(request, code, name):
    """The report as an XLSX workbook (already suppressed), through the one export contract; audited."""
    if name not in REPORTS:
        raise Http404("No such report.")
    service = get_workforce_service_for_user(request.user, code)
    _, as_of = _as_of(request)
    workforce_services.record_report_view(
        actor=request.user, report=name, service=service, as_of=as_of, fmt="xlsx"
    )
    return download(exports.export_report(service, name, as_of))


def retention(request, code):
    return _report(request, code, "retention")


def turnover(request, code):
    return _report(request, code, "turnover")


def staffing(request, code):
    return _report(request, code, "staffing")


def diversity(request, code):
    return _report(request, code, "diversity")


def applicants(request, code):
    return _report(request, code, "applicants")


def decisions(request, code):
    service = get_workforce_service_for_user(request.user, code)
    return render(
        request,
        "workforce/decisions.html",
        {
            "service": service,
            "proposals": list(selectors.proposed_posts(service)),
            "corrections": list(selectors.pending_corrections(service)),
            "form": DecisionForm(),
        },
    )


@require_POST
def proposal_decide(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    enrolment = selectors.get_proposal_enrolment(service, pk)
    if enrolment is None:
        raise Http404("No post waiting for a decision.")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "confirm":
            workforce_services.confirm_qualified_post(actor=request.user, enrolment=enrolment)
            messages.success(request, f"Band 5 post confirmed for {enrolment.user.display_name}.")
        else:
            workforce_services.decline_qualified_post(actor=request.user, enrolment=enrolment, note=note)
            messages.success(request, f"Proposed post declined for {enrolment.user.display_name}.")
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("workforce:decisions", code=service.code)


@require_POST
def correction_decide(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    correction = selectors.get_pending_correction(service, pk)
    if correction is None:
        raise Http404("No correction waiting for a decision.")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        workforce_services.decide_correction(
            actor=request.user,
            correction=correction,
            accept=request.POST.get("decision") == "accept",
            note=note,
        )
        messages.success(request, "Decision recorded.")
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("workforce:decisions", code=service.code)


def my_history(request):
    context = selectors.own_history(request.user, as_of=timezone.localdate())
    context["dimensions"] = DIVERSITY_DIMENSIONS
    return render(request, "workforce/my_history.html", context)


def suggest_correction(request):
    posts = selectors.own_posts(request.user)
    form = CorrectionForm(request.POST or None, posts=posts)
    if request.method == "POST" and form.is_valid():
        post = (
            selectors.own_post(request.user, form.cleaned_data["post"]) if form.cleaned_data["post"] else None
        )
        service = post.service if post else (posts[-1].service if posts else None)
        if service is None:
            form.add_error(None, "There is no service to send this to yet: ask your service administrator.")
        else:
            try:
                workforce_services.suggest_correction(
                    user=request.user, service=service, post=post, message=form.cleaned_data["message"]
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your suggestion has been sent to your service administrator.")
                return redirect("workforce:my_history")
    return render(request, "workforce/correction_form.html", {"form": form})


def my_diversity(request):
    current = selectors.own_diversity_answers(request.user)
    initial = {name: getattr(current, name) for name in DIVERSITY_DIMENSIONS} if current else {}
    form = DiversityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workforce_services.save_diversity_answers(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your answers are saved. Only you can see them.")
            return redirect("workforce:my_history")
    return render(request, "workforce/diversity_form.html", {"form": form})


def people(request, code):
    service = get_workforce_service_for_user(request.user, code)
    return render(
        request, "workforce/people.html", {"service": service, "posts": selectors.service_posts(service)}
    )


def post_new(request, code):
    service = get_workforce_service_for_user(request.user, code)
    form = PostForm(
        request.POST or None,
        people=selectors.people_of_service(service),
        sites=selectors.service_sites(service),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        background = data.pop("prior_background")
        try:
            workforce_services.record_post_for(
                actor=request.user, user=person, service=service, prior_background=background, **data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Post recorded for {person.display_name}.")
            return redirect("workforce:people", code=service.code)
    return render(request, "workforce/post_form.html", {"service": service, "form": form})


def post_end(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    post = selectors.get_service_post(service, pk)
    if post is None:
        raise Http404("No such post at this service.")
    form = EndPostForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            workforce_services.end_post(actor=request.user, post=post, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Post ended for {post.practitioner.user.display_name}.")
            return redirect("workforce:people", code=service.code)
    return render(request, "workforce/post_end.html", {"service": service, "form": form, "post": post})


def staffing_count(request, code):
    service = get_workforce_service_for_user(request.user, code)
    form = StaffingForm(
        request.POST or None, initial={"counted_on": timezone.localdate(), "pwp_share_target": 40}
    )
    if request.method == "POST" and form.is_valid():
        try:
            workforce_services.record_staffing(actor=request.user, service=service, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "High-intensity headcount recorded.")
            return redirect("workforce:staffing", code=service.code)
    return render(request, "workforce/staffing_form.html", {"service": service, "form": form})


# --- applicants and recruitment ---------------------------------------------------------------------------


def recruitment(request, code):
    service = get_workforce_service_for_user(request.user, code)
    return render(
        request,
        "workforce/recruitment.html",
        {"service": service, "rounds": list(selectors.recruitment_rounds(service))},
    )


def recruitment_new(request, code):
    service = get_workforce_service_for_user(request.user, code)
    form = RecruitmentForm(request.POST or None, cohorts=cohorts_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = workforce_services.open_recruitment(
                actor=request.user, service=service, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{round_.name} recorded.")
            return redirect("workforce:recruitment_round", code=service.code, pk=round_.pk)
    return render(request, "workforce/recruitment_form.html", {"service": service, "form": form})


def recruitment_round(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    round_ = selectors.get_recruitment(service, pk)
    if round_ is None:
        raise Http404("No such recruitment round at this service.")
    return render(
        request,
        "workforce/recruitment_round.html",
        {
            "service": service,
            "round": round_,
            "applications": list(selectors.applications_of(round_)),
            "outcome_form": OutcomeForm(),
        },
    )


def application_new(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    round_ = selectors.get_recruitment(service, pk)
    if round_ is None:
        raise Http404("No such recruitment round at this service.")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workforce_services.record_application(actor=request.user, recruitment=round_, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Application {form.cleaned_data['reference']} recorded.")
            return redirect("workforce:recruitment_round", code=service.code, pk=round_.pk)
    return render(
        request, "workforce/application_form.html", {"service": service, "round": round_, "form": form}
    )


@require_POST
def application_outcome(request, code, pk):
    service = get_workforce_service_for_user(request.user, code)
    application = selectors.get_application(service, pk)
    if application is None:
        raise Http404("No such application at this service.")
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            workforce_services.set_application_outcome(
                actor=request.user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                on=form.cleaned_data["on"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Outcome recorded for application {application.reference}.")
    else:
        messages.error(request, "Choose an outcome from the list.")
    return redirect("workforce:recruitment_round", code=service.code, pk=application.recruitment_id)
