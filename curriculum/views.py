from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.access import refuse
from accounts.models import Organisation, OrganisationMembership, User
from accounts.services import DomainError, record_event
from assessments.deadlines import deadlines_for
from assessments.selectors import deadline_components
from assessments.services import set_submission_deadlines
from curriculum import selectors, services
from curriculum.forms import CohortForm, DeadlinesForm, MemberForm, ProgrammeForm
from curriculum.models import Cohort


def programme_list(request):
    programmes = selectors.programmes_for_user(request.user)
    may_add = _administered_heis(request.user).exists()
    return render(request, "curriculum/programme_list.html", {"programmes": programmes, "may_add": may_add})


def programme_detail(request, code):
    programme = selectors.get_programme_for_user(request.user, code)
    routes = list(selectors.routes_offered(programme).prefetch_related("route_modules__module"))
    context = {
        "programme": programme,
        "cohorts": programme.cohorts.order_by("-start_date"),
        "routes": routes,
        "routes_offered": [route.name for route in routes],
        "modules": programme.edition.modules.prefetch_related("competences"),
        "role": selectors.programme_role(request.user, programme),
        "administers": selectors.programme_role(request.user, programme) == "administrator",
    }
    return render(request, "curriculum/programme_detail.html", context)


# Programme administrators' pages: programmes, cohorts and the people on a programme ---------------------


def _administered_heis(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=OrganisationMembership.Role.ADMINISTRATOR
    ).distinct()


def _programme_to_administer(request, code):
    """The programme (404 for people who cannot see it) if the person administers it (403 otherwise)."""
    programme = selectors.get_programme_for_user(request.user, code)
    if selectors.programme_role(request.user, programme) != "administrator":
        record_event(
            actor=request.user, action="access.refused", obj=programme, message="administer programme"
        )
        raise PermissionDenied("Only the programme's administrators can change it.")
    return programme


def programme_new(request):
    heis = _administered_heis(request.user)
    if not heis.exists():
        raise refuse(request.user, "page", "new programme")
    form = ProgrammeForm(request.POST or None, heis=heis)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(actor=request.user, fields=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{programme.name} is set up. Add its people and its first cohort.")
            return redirect("curriculum:programme", code=programme.code)
    return render(request, "curriculum/programme_form.html", {"form": form, "programme": None})


def programme_edit(request, code):
    programme = _programme_to_administer(request, code)
    form = ProgrammeForm(request.POST or None, instance=programme, heis=_administered_heis(request.user))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_programme(actor=request.user, programme=form.instance, changes=changes)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Programme details saved.")
            return redirect("curriculum:programme", code=programme.code)
    return render(request, "curriculum/programme_form.html", {"form": form, "programme": programme})


def cohort_new(request, code):
    programme = _programme_to_administer(request, code)
    form = CohortForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.create_cohort(
                actor=request.user, fields={**form.cleaned_data, "programme": programme}
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{cohort.name} is set up. Next, plan its teaching days.")
            # The schedule follows on from a new cohort: teaching days come next, then the intake file.
            return redirect("trainees:schedule", code=cohort.code)
    return render(
        request, "curriculum/cohort_form.html", {"form": form, "programme": programme, "cohort": None}
    )


def cohort_edit(request, code, cohort_code):
    programme = _programme_to_administer(request, code)
    cohort = get_object_or_404(Cohort, programme=programme, code=cohort_code)
    form = CohortForm(request.POST or None, instance=cohort, programme=programme)
    current = {component_id: due for (_, component_id), due in deadlines_for([cohort.pk]).items()}
    deadlines = DeadlinesForm(
        request.POST or None, prefix="deadline", components=deadline_components(cohort), current=current
    )
    if request.method == "POST" and form.is_valid() and deadlines.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            with transaction.atomic():
                services.update_cohort(actor=request.user, cohort=cohort, changes=changes)
                set_submission_deadlines(actor=request.user, cohort=cohort, deadlines=deadlines.deadlines())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Cohort details saved.")
            return redirect("trainees:cohort", code=cohort.code)
    context = {"form": form, "deadlines": deadlines, "programme": programme, "cohort": cohort}
    return render(request, "curriculum/cohort_form.html", context)


def programme_people(request, code):
    """Who teaches on, leads and administers the programme; people are added by e-mail address."""
    programme = _programme_to_administer(request, code)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.add_programme_person(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error("email", str(error))
        else:
            role = dict(form.ROLES)[form.cleaned_data["role"]].split(" (")[0].lower()
            messages.success(request, f"{person.display_name} added as {role}.")
            return redirect("curriculum:programme_people", code=programme.code)
    context = {
        "programme": programme,
        "form": form,
        "members": programme.memberships.select_related("user").order_by("role", "user__last_name"),
        "administrators": OrganisationMembership.objects.filter(
            organisation=programme.hei, role=OrganisationMembership.Role.ADMINISTRATOR
        ).select_related("user"),
    }
    return render(request, "curriculum/programme_people.html", context)


def person_deactivate(request, code, user_pk):
    """End someone's access: they can no longer sign in and every session they have open ends at once. Only
    for people on this programme (staff and trainees enrolled in its cohorts) or administrators of its
    provider; the page asks before it acts."""
    from accounts.services import deactivate_user

    programme = _programme_to_administer(request, code)
    person = (
        User.objects.filter(pk=user_pk)
        .filter(
            Q(programme_memberships__programme=programme)
            | Q(enrolments__cohort__programme=programme)
            | Q(
                org_memberships__organisation=programme.hei,
                org_memberships__role=OrganisationMembership.Role.ADMINISTRATOR,
            )
        )
        .distinct()
        .first()
    )
    if person is None:
        raise refuse(request.user, "person on programme", user_pk)
    # A trainee's page is where an administrator comes from and goes back to.
    enrolment = person.enrolments.filter(cohort__programme=programme).order_by("-start_date").first()
    back = (
        reverse("trainees:detail", args=[enrolment.pk])
        if enrolment
        else reverse("curriculum:programme_people", args=[programme.code])
    )
    error = None
    if request.method == "POST":
        try:
            if person.pk == request.user.pk:
                raise DomainError("You cannot deactivate your own account. Ask another administrator.")
            deactivate_user(actor=request.user, user=person)
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{person.display_name}'s account is deactivated: they are signed out.")
            return redirect(back)
    context = {"programme": programme, "person": person, "error": error, "back": back, "enrolment": enrolment}
    return render(request, "curriculum/person_deactivate.html", context)
