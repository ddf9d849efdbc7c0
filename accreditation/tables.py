"""The cohort readiness table: one row per trainee, one column per criterion of the chosen scheme."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from accreditation.presenters import short_value
from core.templatetags.status import status_tag


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
        if criterion.met:
            return format_html("{} {}", status_tag("met", "Met"), short_value(criterion))
        return format_html(
            '{} <span class="nhsuk-body-s">{}</span>', status_tag("not_met", "Not met"), criterion.gap
        )


class CohortReadinessTable(tables.Table):
    name = tables.Column(verbose_name="Trainee", accessor="name")
    ready = tables.Column(verbose_name="Ready", accessor="ready")

    class Meta:
        empty_text = "No trainees match."
        attrs = {"class": "nhsuk-table"}
        template_name = "tables/nhsuk_table.html"

    def __init__(self, rows, *, criteria, caption, **kwargs):
        data = [
            {"name": r.enrolment.user.display_name, "ready": r.result.ready, "result": r.result, "row": r}
            for r in rows
        ]
        extra = [(f"c_{c.code}", CriterionColumn(c.code, verbose_name=short_label(c.code))) for c in criteria]
        super().__init__(data, extra_columns=extra, **kwargs)
        self.caption = caption

    def render_name(self, value, record):
        url = reverse("accreditation:trainee_readiness", args=[record["row"].enrolment.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_ready(self, value):
        return status_tag("ready", "Ready") if value else status_tag("not_ready", "Not ready")
