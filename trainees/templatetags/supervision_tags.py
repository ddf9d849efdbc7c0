"""The supervision section of the trainee page, rendered from the one engine result."""

from django import template

register = template.Library()


@register.inclusion_tag("trainees/supervision/includes/section.html")
def supervision_section(enrolment, facts):
    """The compliance result and the viewer's right to manage supervisors, from the page's facts
    (`trainees.enrolment.page.trainee_page_facts`)."""
    return {"enrolment": enrolment, "compliance": facts.supervision, "can_manage": facts.can_manage}
