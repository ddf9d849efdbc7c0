"""The supervision section of the trainee page, rendered from the one engine result."""

from django import template
from django.utils import timezone

from trainees.enrolment.selectors import staff_can_manage
from trainees.supervision.selectors import supervision_compliance

register = template.Library()


@register.inclusion_tag("trainees/supervision/includes/section.html", takes_context=True)
def supervision_section(context, enrolment):
    user = context["request"].user
    return {
        "enrolment": enrolment,
        "compliance": supervision_compliance(enrolment, end=timezone.localdate()),
        "can_manage": staff_can_manage(user, enrolment),
    }
