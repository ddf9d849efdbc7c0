"""The caseload section of the trainee page: `{% load caseload %}{% caseload_summary enrolment facts %}`."""

from django import template

register = template.Library()


@register.inclusion_tag("trainees/caseload/includes/summary.html", takes_context=True)
def caseload_summary(context, enrolment, facts):
    """The caseload figures from the page's facts (`trainees.enrolment.page.trainee_page_facts`)."""
    figures = facts.caseload
    return {
        "enrolment": enrolment,
        "figures": figures,
        "access": context["access"],
    }
