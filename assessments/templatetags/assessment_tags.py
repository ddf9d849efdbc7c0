"""Status tags and the trainee page's competence summary (one include line on the shared trainee page)."""

from django import template

from assessments import selectors, tables
from assessments.models import Attempt
from core.templatetags.status import status_tag as render_tag

register = template.Library()

OUTCOME_LABELS = {
    "passed": "Passed",
    "failed": "Failed",
    "pending": "In progress",
    "not_started": "Not started",
}
ROLE_LABELS = {"educator": "educator", "programme_lead": "programme lead"}


@register.simple_tag
def competence_tag(status, trainee_view=False):
    """A competence status as an NHS tag; a trainee reads “awaiting marking” for anything not released."""
    label = None
    if trainee_view and status is not None and status.status == "submitted":
        label = status.label.replace("Submitted", selectors.TRAINEE_STATUS_LABELS["submitted"])
    return tables.competence_tag(status, label)


@register.simple_tag
def outcome_tag(outcome, trainee_view=False):
    label = OUTCOME_LABELS[outcome]
    if trainee_view and outcome == "pending":
        label = "In progress or awaiting marking"
    return render_tag(outcome, label)


@register.simple_tag
def attempt_tag(attempt):
    if attempt.status == Attempt.Status.SUBMITTED:
        return render_tag("submitted", "Awaiting marking")
    if attempt.status == Attempt.Status.AWAITING_MODERATION:
        return render_tag("awaiting_moderation", "Awaiting moderation")
    if attempt.outcome == Attempt.Outcome.PASSED:
        return render_tag("passed", "Passed")
    return render_tag("failed", "Failed")


@register.filter
def role_label(role):
    return ROLE_LABELS.get(role, role or "")


@register.inclusion_tag("assessments/includes/competence_summary.html", takes_context=True)
def competence_summary(context, enrolment):
    """The trainee page's section: how many competences are signed off, and any that need attention."""
    staff = context["access"].can("see_marks")
    statuses = selectors.competence_statuses(enrolment, released_only=not staff)
    signed = sum(1 for s in statuses if s.status == "signed")
    return {
        "enrolment": enrolment,
        # Late submissions and late marking in words, by the deadlines module's one rule (two queries).
        "late": selectors.late_summaries_for([enrolment]).get(enrolment.pk, ()),
        "statuses": statuses,
        "signed": signed,
        "total": len(statuses),
        "trainee_view": not staff,
    }
