"""Reads for the CPD log. `cpd_activities` is the interface the readiness engine reads (CONTRACTS.md)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from accounts.access import refuse
from accounts.models import User
from trainees.enrolment.selectors import enrolment_access
from trainees.models import CpdActivity, Enrolment


@dataclass(frozen=True)
class CpdActivityInfo:
    id: int
    date: date
    title: str
    hours: float
    cbt_informed: bool
    has_reflection: bool
    confirmed: bool


def _info(activity: CpdActivity) -> CpdActivityInfo:
    return CpdActivityInfo(
        id=activity.pk,
        date=activity.date,
        title=activity.title,
        hours=float(activity.hours),
        cbt_informed=activity.cbt_informed,
        has_reflection=activity.has_reflection,
        confirmed=activity.is_confirmed,
    )


def _in_period(queryset: QuerySet, start: date, end: date) -> QuerySet:
    return queryset.current().filter(date__gte=start, date__lte=end).order_by("date", "id")


def cpd_activities(enrolment_or_user: Enrolment | User, *, start: date, end: date) -> list[CpdActivityInfo]:
    """The activities that count (not superseded by a reopened copy) dated from `start` to `end` inclusive.

    For a person, every enrolment's log counts: CPD belongs to the practitioner, not to one course.
    """
    if isinstance(enrolment_or_user, Enrolment):
        queryset = CpdActivity.objects.filter(enrolment=enrolment_or_user)
    else:
        queryset = CpdActivity.objects.filter(enrolment__user=enrolment_or_user)
    return [_info(a) for a in _in_period(queryset, start, end)]


def cpd_activities_for(enrolments, *, start: date, end: date) -> dict[int, list[CpdActivityInfo]]:
    """`cpd_activities` for many enrolments in one query: {enrolment.pk: [CpdActivityInfo, ...]}."""
    pks = [e.pk for e in enrolments]
    result: dict[int, list[CpdActivityInfo]] = defaultdict(list)
    for activity in _in_period(CpdActivity.objects.filter(enrolment_id__in=pks), start, end):
        result[activity.enrolment_id].append(_info(activity))
    return {pk: result.get(pk, []) for pk in pks}


def cpd_log(enrolment: Enrolment) -> list[CpdActivity]:
    """The log page: current activities, newest first, with who recorded and confirmed them."""
    return list(
        CpdActivity.objects.current()
        .filter(enrolment=enrolment)
        .select_related("confirmed_by", "recorded_by", "supersedes")
        .order_by("-date", "-id")
    )


def get_cpd_activity_for_user(user, pk: int) -> CpdActivity:
    """An activity on an enrolment the person may see (trainee, current supervisor, programme staff)."""
    activity = (
        CpdActivity.objects.select_related(
            "enrolment", "enrolment__user", "enrolment__cohort__programme", "confirmed_by", "recorded_by"
        )
        .filter(pk=pk, enrolment__in=Enrolment.objects.filter(enrolment_access(user)))
        .first()
        if user.is_authenticated
        else None
    )
    if activity is None:
        raise refuse(user, "CPD activity", pk)
    return activity


def current_activities_for(enrolments) -> dict[int, dict[int, CpdActivity]]:
    """Each enrolment's current activities (not superseded by a reopened copy) by id, with who confirmed
    them, in one query whatever the number: the reflection and evidence behind `cpd_activities_for`."""
    ids = [e.pk for e in enrolments]
    found: dict[int, dict[int, CpdActivity]] = {pk: {} for pk in ids}
    for activity in CpdActivity.objects.current().filter(enrolment_id__in=ids).select_related("confirmed_by"):
        found[activity.enrolment_id][activity.pk] = activity
    return found


def cpd_awaiting(enrolment_ids) -> QuerySet[CpdActivity]:
    """Current CPD activities waiting for a supervisor's confirmation: what the supervisor's home lists and
    the notifications read: of the enrolments `enrolment_ids` names, a list or a subquery of ids."""
    return CpdActivity.objects.current().filter(
        enrolment_id__in=enrolment_ids, status=CpdActivity.Status.RECORDED
    )


def awaiting_cpd_for(enrolments) -> list[tuple[int, int, date]]:
    """Current CPD activities waiting for a supervisor's confirmation: (id, enrolment id, recorded on)."""
    return [
        (pk, enrolment_id, timezone.localdate(recorded_at))
        for pk, enrolment_id, recorded_at in cpd_awaiting([e.pk for e in enrolments])
        .order_by("pk")
        .values_list("pk", "enrolment_id", "recorded_at")
    ]
