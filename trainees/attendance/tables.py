"""Training-day columns for the cohort page, fed by `training_days_progress_for` (six queries in all).

`TrainingDaysColumns` is a mixin for a django-tables2 table of enrolments. It works the figures out once for
every row, so the columns can be sorted in Python and nothing is computed per row or in the template.
`TrainingDaysFilterMixin` adds the "Training days" status filter to a django-filter FilterSet.
"""

import django_filters
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from core.templatetags.status import status_tag
from trainees.attendance.engine import STATUS_LABELS
from trainees.attendance.selectors import training_days_progress_for


def progress_tag(progress) -> str:
    return status_tag(progress.status, progress.status_label)


class TrainingDaysColumns(tables.Table):
    """University days, workplace days, the window's end and the status, for each enrolment row."""

    university_days = tables.Column(
        verbose_name="University days",
        accessor="training_days__university_completed",
        empty_values=(),
        attrs={"td": {"class": "app-nowrap"}},
    )
    workplace_days = tables.Column(
        verbose_name="Workplace days",
        accessor="training_days__workplace_completed",
        empty_values=(),
        attrs={"td": {"class": "app-nowrap"}},
    )
    window_end = tables.Column(
        verbose_name="Window ends",
        accessor="training_days__window_end",
        empty_values=(),
        attrs={"td": {"class": "app-nowrap"}},
    )
    days_status = tables.Column(
        verbose_name="Training days",
        accessor="training_days__status_rank",
        order_by=("training_days__status_rank", "training_days__university_completed"),
        empty_values=(),
    )

    def __init__(self, data=None, *args, training_days_on=None, **kwargs):
        on = training_days_on or timezone.localdate()
        rows = list(data if data is not None else [])
        progress = training_days_progress_for(rows, on=on)
        for row in rows:
            row.training_days = progress[row.pk]
        super().__init__(rows, *args, **kwargs)

    def training_days_cells(self) -> dict:
        """The columns' cells by name, for a table that works its page out once (core/tables.py)."""
        return {
            "university_days": self.render_university_days,
            "workplace_days": self.render_workplace_days,
            "window_end": self.render_window_end,
            "days_status": self.render_days_status,
        }

    def render_university_days(self, record):
        days = record.training_days
        return f"{days.university_completed} of {days.university_required}"

    def render_workplace_days(self, record):
        days = record.training_days
        return f"{days.workplace_completed} of {days.workplace_required}"

    def render_window_end(self, record):
        end = record.training_days.window_end
        return f"{end.day} {end:%b %Y}"

    def render_days_status(self, record):
        days = record.training_days
        # The reason folds away so the table stays readable with many columns; it is one click (or key) away.
        return format_html(
            '{} <details class="nhsuk-details nhsuk-u-margin-bottom-0 app-why">'
            '<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Why'
            '<span class="nhsuk-u-visually-hidden"> for {}</span></span></summary>'
            '<div class="nhsuk-details__text">{}</div></details>',
            progress_tag(days),
            record.user.display_name,
            days.reason,
        )


class TrainingDaysFilterMixin(django_filters.FilterSet):
    """Filter enrolments by their training-days status on today's date."""

    days_status = django_filters.ChoiceFilter(
        label="Training days",
        choices=list(STATUS_LABELS.items()),
        empty_label="Any training-days status",
        method="filter_days_status",
    )

    def filter_days_status(self, queryset, name, value):
        progress = training_days_progress_for(queryset, on=timezone.localdate())
        return queryset.filter(pk__in=[pk for pk, days in progress.items() if days.status == value])
