"""The caseload section of the trainee page: `{% load caseload %}{% caseload_summary enrolment %}`."""

from django import template
from django.utils import timezone

from trainees.caseload.selectors import caseload_figures

register = template.Library()


@register.inclusion_tag("trainees/caseload/includes/summary.html", takes_context=True)
def caseload_summary(context, enrolment):
    figures = caseload_figures(enrolment, on=timezone.localdate())
    user = context.get("user")
    return {
        "enrolment": enrolment,
        "figures": figures,
        "is_own": user is not None and enrolment.user_id == user.pk,
    }
