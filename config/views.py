"""The home page: one section for each role the signed-in person holds."""

from django.db.models import Count, Exists, Q
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from accreditation.attention import attention_list
from accreditation.selectors import visits_for_visitor
from assessments.selectors import marking_queue_count
from curriculum.selectors import administered_programmes, cohorts_for_user
from trainees.enrolment.selectors import own_enrolments, supervisees
from trainees.models import Enrolment
from trainees.supervision.selectors import awaiting_confirmation_by, supervisor_home

# The home's sections, each with the selector that lists what it shows.
SECTIONS = {
    "enrolments": own_enrolments,
    "supervisees": supervisees,
    "cohorts": cohorts_for_user,
    "programmes": administered_programmes,
    "visits": visits_for_visitor,
    # Not a list of its own: the supervision panel shows sessions waiting for the person's confirmation
    # even once they supervise nobody.
    "awaiting": awaiting_confirmation_by,
}


def sections_held(user) -> set[str]:
    """The sections the person has anything in, asked of the same selectors in one query: most people hold
    one or two roles, and the lists of the others are then not read at all."""
    if not user.is_authenticated:
        return set()
    row = (
        User.objects.filter(pk=user.pk)
        .values_list(*(Exists(selector(user)) for selector in SECTIONS.values()))
        .first()
    )
    return {name for name, held in zip(SECTIONS, row or (), strict=False) if held}


def home(request):
    user = request.user
    today = timezone.localdate()
    held = sections_held(user)

    def listed(name, queryset=None):
        return list(queryset if queryset is not None else SECTIONS[name](user)) if name in held else []

    enrolments = listed("enrolments")
    for enrolment in enrolments:
        enrolment.month_now = enrolment.month_of_training(today)
    cohorts = listed(
        "cohorts",
        cohorts_for_user(user).annotate(
            trainee_count=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN))
        ),
    )
    visits = listed("visits")
    for visit in visits:
        visit.open_now = visit.is_open(today)
    context = {
        "enrolments": enrolments,
        "supervisees": listed("supervisees"),
        "cohorts": cohorts,
        "programmes": listed("programmes"),
        "visits": visits,
        "today": today,
        # Only educators and administrators (who have cohorts) can mark; nobody else pays for the lookup.
        "marking_waiting": marking_queue_count(user) if cohorts else None,
    }
    # Educators, leads and administrators: who needs action across their cohorts, most urgent first.
    context["attention"] = attention_list(user, on=today, cohorts=cohorts) if cohorts else None
    context["supervision"] = (
        supervisor_home(user, today=today, supervisees=context["supervisees"])
        if held & {"supervisees", "awaiting"}
        else {}
    )
    context["has_role"] = any(
        context[key] for key in ("enrolments", "supervisees", "cohorts", "programmes", "visits")
    )
    return render(request, "home.html", context)
