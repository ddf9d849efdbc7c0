"""Shared by the portfolio management commands: find the enrolment a username means."""

from django.core.management.base import CommandError

from trainees.models import Enrolment


def enrolment_for_username(username: str, cohort_code: str | None = None) -> Enrolment:
    """The person's enrolment (their latest one unless a cohort is named)."""
    enrolments = Enrolment.objects.with_people().filter(user__username=username).order_by("-start_date")
    if cohort_code:
        enrolments = enrolments.filter(cohort__code=cohort_code)
    enrolment = enrolments.first()
    if enrolment is None:
        where = f" on cohort {cohort_code}" if cohort_code else ""
        raise CommandError(f"{username} has no enrolment{where}.")
    return enrolment
