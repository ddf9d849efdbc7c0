"""The cohort readiness matrix: one row per trainee, one narrow column per criterion of the chosen scheme.

Each cell is a short status in words and colour (“Met”, “4 days short”, “Not met”); the full gap sentences
are one click away, in the row's “not met” details and on the trainee's readiness page.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accreditation.presenters import short_status
from core.tables import CellsTable
from core.templatetags.status import status_tag
from core.wording import plural


def short_label(code: str) -> str:
    """A column header from a criterion code: "contact-hours" -> "Contact hours"."""
    return code.replace("-", " ").capitalize()


class CriterionColumn(tables.Column):
    def __init__(self, code, **kwargs):
        self.code = code
        super().__init__(accessor=tables.A("result"), orderable=False, empty_values=(), **kwargs)

    def render(self, value, record):
        criterion = value.criterion(self.code)
        if criterion is None:
            return "–"
        return status_tag("met" if criterion.met else "not_met", short_status(criterion))


class CohortReadinessTable(CellsTable, tables.Table):
    name = tables.Column(verbose_name="Trainee", accessor="name")
    ready = tables.Column(verbose_name="Readiness", accessor="ready")

    class Meta:
        empty_text = "No trainees match."
        attrs = {"class": "nhsuk-table app-matrix"}
        template_name = "accreditation/includes/readiness_matrix.html"
        orderable = False

    def __init__(self, rows, *, criteria, caption, **kwargs):
        # Most to do first, then by name: the trainees who need the most help are at the top.
        rows = sorted(rows, key=lambda r: (-len(r.result.unmet), r.enrolment.user.display_name))
        data = [
            {"name": r.enrolment.user.display_name, "ready": r.result.ready, "result": r.result, "row": r}
            for r in rows
        ]
        extra = [(f"c_{c.code}", CriterionColumn(c.code, verbose_name=short_label(c.code))) for c in criteria]
        super().__init__(data, extra_columns=extra, **kwargs)
        self.caption = caption

    def cells(self):
        makers = {
            "name": lambda record: self.render_name(record["name"], record),
            "ready": lambda record: self.render_ready(record["ready"], record),
        }
        for bound in self.columns:
            if isinstance(bound.column, CriterionColumn):
                column = bound.column
                makers[bound.name] = lambda record, column=column: column.render(record["result"], record)
        return makers

    def render_name(self, value, record):
        url = reverse("accreditation:trainee_readiness", args=[record["row"].enrolment.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_ready(self, value, record):
        if value:
            return status_tag("ready", "Ready")
        unmet = record["result"].unmet
        gaps = format_html_join("", "<li><b>{}:</b> {}</li>", ((short_label(c.code), c.gap) for c in unmet))
        return format_html(
            '<details class="app-matrix__gaps"><summary>{} <span class="nhsuk-u-visually-hidden">for {}'
            '</span></summary><ul class="nhsuk-list nhsuk-body-s">{}</ul></details>',
            plural(len(unmet), "not met", "not met"),
            record["name"],
            gaps,
        )
