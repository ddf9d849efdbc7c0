"""People over time on pages: withdraw a trainee, transfer them to another cohort, change their route.

Each page is filled in, then shown back with what will change; only the confirmed second submission calls
the service (which audits the change and keeps it in the enrolment's history). The access policy decides
who may: the programme's administrators (`change_enrolment`)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.services import DomainError
from core.dates import long_date
from trainees.access import enrolment_access_for
from trainees.enrolment import selectors, services
from trainees.enrolment.forms import RouteChangeForm, TransferForm, WithdrawForm


def _access_for_change(request, pk):
    access = enrolment_access_for(request.user, pk)  # 404 (audited) for a record the person cannot see
    access.require("change_enrolment")  # 403 (audited) for those who see it but may not change it
    return access


def _change_page(request, access, *, form, title, action, consequences, apply, done, no_choice=""):
    """Fill in, confirm, then apply. `consequences(data)` lists what will change; `apply(data)` calls the
    service and returns the success message."""
    enrolment = access.enrolment
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") == "yes":
            try:
                message = apply(form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, message)
                return redirect(*done)
        else:
            # "Change what you entered" posts the answers back to the form instead of confirming them.
            confirming = request.POST.get("confirmed") != "edit"
    context = {
        "enrolment": enrolment,
        "form": form,
        "title": title,
        "action": action,
        "confirming": confirming,
        "consequences": consequences(form.cleaned_data) if confirming else [],
        "no_choice": no_choice,
    }
    return render(request, "trainees/enrolment/change.html", context)


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    access = _access_for_change(request, pk)
    enrolment = access.enrolment
    name = enrolment.user.display_name
    form = WithdrawForm(request.POST or None, enrolment=enrolment)

    def consequences(data):
        return [
            f"{name} is recorded as withdrawn from {enrolment.cohort.name} on {long_date(data['on'])}",
            "each of their current supervisors stops supervising them on that day",
            "everything recorded so far (attendance, supervision, assessments, caseload) stays on the record",
            "the change and its reason are kept in the trainee's history and the audit trail with your name",
        ]

    def apply(data):
        services.withdraw(actor=request.user, enrolment=enrolment, on=data["on"], reason=data["reason"])
        return f"{name} is withdrawn from {enrolment.cohort.name} from {long_date(data['on'])}."

    return _change_page(
        request,
        access,
        form=form,
        title=f"Withdraw {name}",
        action="Withdraw the trainee",
        consequences=consequences,
        apply=apply,
        done=("trainees:detail", enrolment.pk),
    )


@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    access = _access_for_change(request, pk)
    enrolment = access.enrolment
    name = enrolment.user.display_name
    cohorts = selectors.cohorts_to_transfer_to(request.user, enrolment)
    form = TransferForm(request.POST or None, enrolment=enrolment, cohorts=cohorts)
    no_choice = (
        ""
        if cohorts.exists()
        else (
            f"There is no other cohort on the same curriculum that you run, so {name} cannot be moved yet. "
            "Add the cohort first."
        )
    )

    def consequences(data):
        return [
            f"{name} moves from {enrolment.cohort.name} to {data['cohort'].name} on {long_date(data['on'])}",
            "everything recorded so far goes with them; their supervisors stay as they are",
            "the change and its reason are kept in the trainee's history and the audit trail with your name",
        ]

    def apply(data):
        services.transfer_cohort(
            actor=request.user,
            enrolment=enrolment,
            cohort=data["cohort"],
            on=data["on"],
            reason=data["reason"],
        )
        return f"{name} is now on {data['cohort'].name}."

    return _change_page(
        request,
        access,
        form=form,
        title=f"Transfer {name} to another cohort",
        no_choice=no_choice,
        action="Transfer the trainee",
        consequences=consequences,
        apply=apply,
        done=("trainees:detail", enrolment.pk),
    )


@require_http_methods(["GET", "POST"])
def change_route(request, pk):
    access = _access_for_change(request, pk)
    enrolment = access.enrolment
    name = enrolment.user.display_name
    routes = selectors.routes_to_change_to(enrolment)
    form = RouteChangeForm(request.POST or None, enrolment=enrolment, routes=routes)
    no_choice = (
        ""
        if routes.exists()
        else (f"{enrolment.cohort.name} offers no other route. To offer one, change the cohort's routes.")
    )

    def consequences(data):
        return [
            f"{name} changes from the {enrolment.route.name} route to the {data['route'].name} route "
            f"on {long_date(data['on'])}",
            "the days and competences they need are those of the new route from now on",
            "everything recorded so far stays on the record",
            "the change and its reason are kept in the trainee's history and the audit trail with your name",
        ]

    def apply(data):
        services.change_route(
            actor=request.user, enrolment=enrolment, route=data["route"], on=data["on"], reason=data["reason"]
        )
        return f"{name} is now on the {data['route'].name} route."

    return _change_page(
        request,
        access,
        form=form,
        title=f"Change {name}'s route",
        no_choice=no_choice,
        action="Change the route",
        consequences=consequences,
        apply=apply,
        done=("trainees:detail", enrolment.pk),
    )
