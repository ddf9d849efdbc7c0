"""Supervision columns for the cohort table, computed for the page's rows in one bulk call."""

import django_tables2 as tables

from core.templatetags.status import status_tag
from core.wording import hours as in_hours
from trainees.supervision.selectors import supervision_compliance_for


class SupervisionColumns(tables.Table):
    """Mix into a table of enrolments (with `today`): missed weeks, clinical-skills gap, overdue reviews.

    The figures for every row on the current page are computed together the first time a cell asks, so
    the page costs the same number of queries for 10 trainees as for 200.
    """

    supervision = tables.Column(verbose_name="Supervision", empty_values=(), orderable=False)
    missed_weeks = tables.Column(
        verbose_name="Missed case-management weeks", empty_values=(), orderable=False
    )
    clinical_skills = tables.Column(
        verbose_name="Clinical-skills shortfall", empty_values=(), orderable=False
    )
    overdue_reviews = tables.Column(verbose_name="Overdue case reviews", empty_values=(), orderable=False)

    def supervision_for_page(self, records=None):
        if getattr(self, "_supervision", None) is None:
            if records is None:
                records = [row.record for row in self.paginated_rows]
            self._supervision = supervision_compliance_for(records, end=self.today)
        return self._supervision

    def supervision_for(self, record):
        return self.supervision_for_page()[record.pk]

    def supervision_cells(self) -> dict:
        """The columns' cells by name, for a table that works its page out once (core/tables.py)."""
        return {
            "supervision": self.render_supervision,
            "missed_weeks": self.render_missed_weeks,
            "clinical_skills": self.render_clinical_skills,
            "overdue_reviews": self.render_overdue_reviews,
        }

    def render_supervision(self, record):
        supervision = self.supervision_for(record)
        if supervision.status == "compliant":
            return supervision.label
        return status_tag("gaps", supervision.label)

    def render_missed_weeks(self, record):
        return len(self.supervision_for(record).missed_weeks)

    def render_clinical_skills(self, record):
        shortfall = self.supervision_for(record).clinical_skills_shortfall_hours
        return in_hours(shortfall) if round(shortfall * 60) else "None"

    def render_overdue_reviews(self, record):
        return len(self.supervision_for(record).overdue_cases)
