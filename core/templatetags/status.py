"""Status tags: the one mapping from a status to an NHS.UK tag colour, and the one way to draw the tag.

Templates: `{% load status %}{% status_tag status label %}`. Python (table columns, other tags):
`status_tag(status, label)`. A status missing from STATUS_COLOURS is an error, not a grey tag, so a new status
cannot slip through with the wrong colour; tests/core/test_wording.py checks every status the product uses.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

GREEN, BLUE, YELLOW, ORANGE, RED, GREY = "green", "blue", "yellow", "orange", "red", "grey"

STATUS_COLOURS = {
    # Done, met or fine.
    "complete": GREEN,  # training days
    "on_track": GREEN,  # training days, caseload
    "signed": GREEN,  # competences, supervision reports
    "passed": GREEN,  # assessment outcomes
    "met": GREEN,  # a criterion, a week of supervision
    "ready": GREEN,  # a readiness stage
    "compliant": GREEN,  # supervision frequencies
    "credentialed": GREEN,  # a supervisor's credential
    "confirmed": GREEN,  # workplace days, CPD, supervision sessions
    "meets_ratio": GREEN,  # a site's trainees per qualified member of staff
    "open": GREEN,  # an accreditation visit open now
    # Waiting for someone.
    "submitted": BLUE,  # a competence or attempt awaiting marking
    "unread": BLUE,  # a notification not read yet
    "urgent": RED,  # an urgent notification
    "pending": BLUE,  # an assessment outcome not decided yet
    "ahead": BLUE,  # caseload
    "not_yet_open": BLUE,  # a visit
    "awaiting_moderation": YELLOW,
    "awaiting": YELLOW,  # a week of supervision to confirm
    "at_risk": YELLOW,  # training days
    "refresher_due": YELLOW,  # a supervisor's credential
    # Needs a look.
    "reopened": ORANGE,  # a competence sign-off
    "unverified": ORANGE,  # a supervisor's training record
    "not_counted": ORANGE,  # supervision that does not count toward accreditation
    # Not met.
    "off_track": RED,  # training days
    "behind": RED,  # caseload
    "failed": RED,
    "not_met": RED,  # a criterion
    "gaps": RED,  # supervision frequencies
    "not_credentialed": RED,
    "below_ratio": RED,
    "not_accredited_provider": RED,  # supervisor training from a provider that is not IAPT-accredited
    # Not started, not applicable or no longer current.
    "not_started": GREY,
    "not_ready": GREY,
    "not_yet": GREY,  # a week of supervision
    "closed": GREY,  # a visit
    "draft": GREY,  # a supervision report
    "awaiting_confirmation": GREY,  # CPD, supervision sessions
    "superseded": GREY,  # a supervision session replaced by a reopened version
    "interrupted": GREY,  # a trainee on the register
    "no_schedule": GREY,  # training days of a cohort with no teaching days yet
}


def tag_colour(status: str) -> str:
    """The tag colour of a status; an unknown status raises rather than falling back to grey."""
    try:
        return STATUS_COLOURS[status]
    except KeyError:
        raise ValueError(f"No tag colour for the status {status!r}: add it to STATUS_COLOURS.") from None


@register.simple_tag
def status_tag(status: str, *label) -> SafeString:
    """`<strong class="nhsuk-tag nhsuk-tag--green">Label</strong>` for a status, the label escaped.

    The label may come in parts, joined as they are: `{% status_tag "meets_ratio" "Meets 1 to " n %}`.
    """
    text = "".join(str(part) for part in label)
    return format_html('<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', tag_colour(status), text)
