"""Finding a trainee from the header: by name, username or student number among the records the person may
open, and by case reference among the trainees they supervise now. The access policy's own querysets decide
who can be found, so search never shows someone whose record would answer 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q

from trainees.enrolment.selectors import enrolments_for_user, supervisees
from trainees.models import Case, Enrolment

MIN_LENGTH = 2
LIMIT = 50


@dataclass(frozen=True)
class SearchHit:
    enrolment: Enrolment
    stage: str  # "Month 7 of 12", "Withdrawn"...
    matched_cases: tuple[str, ...]  # case references that matched, for a supervisor's case search


def _stage(enrolment: Enrolment, today: date) -> str:
    if enrolment.status != Enrolment.Status.ACTIVE:
        return enrolment.get_status_display()
    return f"Month {enrolment.month_of_training(today)} of {enrolment.route.window_months}"


def search_trainees(user, query: str, *, today: date) -> tuple[list[SearchHit], bool]:
    """Trainees matching every word of `query`, best first, and whether there were more than `LIMIT`.
    Three queries at most, whatever the number of records."""
    words = query.split()
    if len("".join(words)) < MIN_LENGTH:
        return [], False
    by_person = Q()
    for word in words:
        by_person &= (
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__username__iexact=word)
            | Q(student_number__iexact=word)
        )
    # A case reference is searched only among the person's current supervisees (their own cases' trainees).
    cases = Case.objects.filter(enrolment=OuterRef("pk"), reference__iexact=query.strip())
    supervised = supervisees(user).prefetch_related(None).values("pk")
    found = list(
        enrolments_for_user(user)
        .filter(by_person | (Q(pk__in=supervised) & Exists(cases)))
        .order_by("user__last_name", "user__first_name", "-start_date", "pk")[: LIMIT + 1]
    )
    more = len(found) > LIMIT
    found = found[:LIMIT]
    matched: dict[int, list[str]] = {}
    if found:
        reference = query.strip()
        for enrolment_id, ref in (
            Case.objects.filter(enrolment_id__in=[e.pk for e in found], reference__iexact=reference)
            .filter(enrolment_id__in=supervised)
            .values_list("enrolment_id", "reference")
        ):
            matched.setdefault(enrolment_id, []).append(ref)
    hits = [SearchHit(e, _stage(e, today), tuple(matched.get(e.pk, ()))) for e in found]
    return hits, more
