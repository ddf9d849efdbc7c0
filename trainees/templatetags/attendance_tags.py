"""Template helpers for training days. They only show what the selectors worked out."""

from django import template
from django.utils import timezone

from trainees.attendance.selectors import training_days_progress
from trainees.attendance.tables import progress_tag
from trainees.models import CatchUp, WorkplaceDay

register = template.Library()


@register.filter(name="training_days_tag")
def training_days_tag(progress):
    """The status as an NHS tag: complete, on track, at risk or off track."""
    return progress_tag(progress)


@register.inclusion_tag("trainees/attendance/includes/summary_section.html", takes_context=True)
def training_days_summary(context, enrolment):
    """The trainee page's training-days section: the progress figures and what is waiting for someone."""
    today = timezone.localdate()
    return {
        "enrolment": enrolment,
        "progress": training_days_progress(enrolment, on=today),
        "workplace_waiting": WorkplaceDay.objects.filter(
            enrolment=enrolment, status=WorkplaceDay.Status.SUBMITTED
        ).count(),
        "catch_ups_waiting": CatchUp.objects.filter(
            enrolment=enrolment, status=CatchUp.Status.SUBMITTED
        ).count(),
        "is_own": context.get("is_own", False),
    }
