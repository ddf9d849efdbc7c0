"""The home page: one section for each role the signed-in person holds."""

from datetime import datetime
from functools import lru_cache, partial

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
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
from trainees.supervision.selectors import WAITING, supervisor_home, waiting_for
from trainees.supervision.views import drawn_supervisee_rows

# The home's sections, each with the selector that lists what it shows.
SECTIONS = {
    "enrolments": own_enrolments,
    "supervisees": supervisees,
    "cohorts": cohorts_for_user,
    "programmes": administered_programmes,
    "visits": visits_for_visitor,
    # What waits for the person as a supervisor, list by list (sessions to confirm even once they supervise
    # nobody): the home reads only the lists that hold anything.
    **{name: partial(waiting_for, name=name) for name in WAITING},
}


def sections_held(user) -> set[str]:
    """The sections the person has anything in, asked of the same selectors in one query: most people hold
    one or two roles, and the lists of the others are then not read at all."""
    if not user.is_authenticated:
        return set()
    connection = connections[User.objects.db]
    sql, params = _sections_query(connection.alias, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if value is _PERSON else value for value in params])
        row = cursor.fetchone()
    return {name for name, held in zip(SECTIONS, row or (), strict=False) if held}


_PERSON = object()  # where the person's id goes in the query's parameters
_PROBE_ID = -7_730_517  # no one's id: the selectors are asked about it to find those places


@lru_cache(maxsize=4)
def _sections_query(alias: str, today) -> tuple[str, tuple]:
    """The sections' query as SQL, built from the selectors once a day (their "current" is today) rather than
    on every visit home: building six selectors' querysets and their subqueries cost more than running
    them. The person's id is a parameter, found where the selectors put a probe's."""
    probe = User(pk=_PROBE_ID)
    query = (
        User.objects.filter(pk=probe.pk)
        .values_list(*(Exists(selector(probe)) for selector in SECTIONS.values()))
        .query
    )
    sql, params = query.get_compiler(alias).as_sql()
    if str(_PROBE_ID) in sql or any(isinstance(v, datetime) for v in params):
        raise ImproperlyConfigured("The home's sections query must take the person and day as parameters.")
    return sql, tuple(_PERSON if value == _PROBE_ID else value for value in params)


def home(request):
    user = request.user
    today = timezone.localdate()
    held = sections_held(user)

    def listed(name, read=None):
        """The section's rows if the person holds it (`read()` in place of its selector), else none."""
        if name not in held:
            return []
        return list(read() if read is not None else SECTIONS[name](user))

    enrolments = listed("enrolments")
    for enrolment in enrolments:
        enrolment.month_now = enrolment.month_of_training(today)
    cohorts = listed(
        "cohorts",
        lambda: cohorts_for_user(user).annotate(
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
        supervisor_home(user, today=today, supervisees=context["supervisees"], waiting=held & set(WAITING))
        if held & {"supervisees", *WAITING}
        else {}
    )
    context["supervisee_rows"] = (
        drawn_supervisee_rows(user, context["supervisees"], today=today) if context["supervisees"] else ""
    )
    context["has_role"] = any(
        context[key] for key in ("enrolments", "supervisees", "cohorts", "programmes", "visits")
    )
    return render(request, "home.html", context)
