"""Tables for the marking queue and the cohort competence grid. Columns read only what selectors loaded."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from assessments.selectors import CompetenceStatus, GridRow, QueueItem
from core.tables import CellsTable
from core.templatetags.status import status_tag


def competence_tag(status: CompetenceStatus | None, label: str | None = None):
    if status is None:
        return format_html('<span class="nhsuk-body-s">{}</span>', "Not required on this route")
    return status_tag(status.status, label or status.label)


class CompetenceColumn(tables.Column):
    """One competence's status for each trainee (from the bulk selector, so no query per cell)."""

    def __init__(self, code: str, **kwargs):
        self.code = code
        super().__init__(empty_values=(), orderable=False, **kwargs)

    def render(self, record: GridRow):
        return competence_tag(record.statuses.get(self.code))

    def value(self, record: GridRow):
        status = record.statuses.get(self.code)
        return status.label if status else "Not required"


class CompetenceGridTable(CellsTable, tables.Table):
    """Trainees against the seven interventions and the other competences (the page's cells worked out once,
    core/tables.py)."""

    trainee = tables.Column(
        verbose_name="Trainee",
        accessor="enrolment__user__last_name",
        order_by=("enrolment__user__last_name", "enrolment__user__first_name"),
    )
    route = tables.Column(verbose_name="Route", accessor="enrolment__route__code", orderable=False)
    late = tables.Column(verbose_name="Deadlines", accessor="late", orderable=False, empty_values=())

    class Meta:
        empty_text = "No trainees match."
        attrs = {"class": "nhsuk-table"}
        template_name = "tables/nhsuk_table_cells.html"

    def __init__(self, rows, *, competences, caption="Competences", **kwargs):
        extra = [(f"c_{c.code}", CompetenceColumn(c.code, verbose_name=c.name)) for c in competences]
        super().__init__(rows, extra_columns=extra, **kwargs)
        self.caption = caption

    def cells(self):
        makers = {"trainee": self.render_trainee, "route": self.render_route, "late": self.render_late}
        for bound in self.columns:
            if isinstance(bound.column, CompetenceColumn):
                makers[bound.name] = bound.column.render
        return makers

    def render_trainee(self, record: GridRow):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("assessments:trainee", args=[record.enrolment.pk]),
            record.enrolment.user.display_name,
        )

    def render_late(self, record: GridRow):
        return format_html_join(mark_safe("<br>"), "{}", ((w,) for w in record.late)) or "None missed"

    def value_late(self, record: GridRow):
        return "; ".join(record.late) or "None missed"

    def render_route(self, record: GridRow):
        return "CPD" if record.enrolment.route.code == "cpd" else "Standard"


class MarkingQueueTable(tables.Table):
    submitted = tables.Column(verbose_name="Submitted", accessor="attempt__submitted_at", orderable=False)
    trainee = tables.Column(verbose_name="Trainee", accessor="attempt__enrolment__user", orderable=False)
    cohort = tables.Column(
        verbose_name="Cohort", accessor="attempt__enrolment__cohort__name", orderable=False
    )
    subject = tables.Column(verbose_name="Assessment", accessor="attempt__subject", orderable=False)
    number = tables.Column(verbose_name="Attempt", accessor="attempt__number", orderable=False)
    task = tables.Column(verbose_name="Waiting for", accessor="task_label", orderable=False)
    late = tables.Column(verbose_name="Deadlines", accessor="lateness", orderable=False, empty_values=())

    class Meta:
        empty_text = "Nothing is waiting for you to mark."
        attrs = {"class": "nhsuk-table"}

    def __init__(self, *args, caption="Waiting for marking, oldest first", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_submitted(self, record: QueueItem):
        return format_html(
            '<span class="app-nowrap">{}</span>', date_format(record.attempt.submitted_on, "j M Y")
        )

    def render_late(self, record: QueueItem):
        words = record.lateness.words if record.lateness else []
        return format_html_join(mark_safe("<br>"), "{}", ((w,) for w in words)) or "On time"

    def render_trainee(self, record: QueueItem):
        return record.attempt.enrolment.user.display_name

    def render_subject(self, record: QueueItem):
        attempt = record.attempt
        action = "Mark" if record.task == "first_marking" else "Moderate"
        url_name = "assessments:mark" if record.task == "first_marking" else "assessments:moderate"
        return format_html(
            '<a href="{}">{}<span class="nhsuk-u-visually-hidden"> {} for {}</span></a><br>'
            '<span class="nhsuk-body-s">{}</span>',
            reverse(url_name, args=[attempt.pk]),
            f"{action}: {attempt.subject}",
            attempt.get_method_display().lower(),
            attempt.enrolment.user.display_name,
            attempt.component.name if attempt.competence_id else f"Module {attempt.component.module.number}",
        )
