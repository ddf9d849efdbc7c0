"""Template helpers for training days. They only show what the selectors worked out."""

from django import template

from trainees.attendance.tables import progress_tag

register = template.Library()


@register.filter(name="training_days_tag")
def training_days_tag(progress):
    """The status as an NHS tag: complete, on track, at risk or off track."""
    return progress_tag(progress)


@register.inclusion_tag("trainees/attendance/includes/summary_section.html", takes_context=True)
def training_days_summary(context, enrolment, facts):
    """The trainee page's training-days section: the progress figures and what is waiting for someone, from
    the page's facts (`trainees.enrolment.page.trainee_page_facts`)."""
    return {
        "enrolment": enrolment,
        "progress": facts.training_days,
        "workplace_waiting": facts.workplace_waiting,
        "catch_ups_waiting": facts.catch_ups_waiting,
        "access": context["access"],
    }
