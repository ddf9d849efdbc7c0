"""The home page: one section for each role the signed-in person holds."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from accreditation.attention import attention_list
from accreditation.selectors import visits_for_visitor
from assessments.selectors import marking_queue_count
from curriculum.selectors import administered_programmes, cohorts_for_user
from trainees.enrolment.selectors import own_enrolments, supervisees
from trainees.models import Enrolment
from trainees.supervision.selectors import supervisor_home


def home(request):
    user = request.user
    today = timezone.localdate()
    enrolments = list(own_enrolments(user))
    for enrolment in enrolments:
        enrolment.month_now = enrolment.month_of_training(today)
    cohorts = list(
        cohorts_for_user(user).annotate(
            trainee_count=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN))
        )
    )
    visits = list(visits_for_visitor(user))
    for visit in visits:
        visit.open_now = visit.is_open(today)
    context = {
        "enrolments": enrolments,
        "supervisees": list(supervisees(user)),
        "cohorts": cohorts,
        "programmes": list(administered_programmes(user)),
        "visits": visits,
        "today": today,
        # Only educators and administrators (who have cohorts) can mark; nobody else pays for the lookup.
        "marking_waiting": marking_queue_count(user) if cohorts else None,
    }
    # Educators, leads and administrators: who needs action across their cohorts, most urgent first.
    context["attention"] = attention_list(user, on=today, cohorts=cohorts) if cohorts else None
    context["supervision"] = supervisor_home(user, today=today, supervisees=context["supervisees"])
    context["has_role"] = any(
        context[key] for key in ("enrolments", "supervisees", "cohorts", "programmes", "visits")
    )
    return render(request, "home.html", context)
