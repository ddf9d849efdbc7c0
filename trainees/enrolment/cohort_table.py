import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.tables import CellsTable, day_month_year
from trainees.attendance.tables import TrainingDaysColumns
from trainees.caseload.tables import CaseloadColumn, CaseloadStatusColumn, figures_for_table
from trainees.models import Enrolment
from trainees.supervision.tables import SupervisionColumns


class CohortTraineesTable(CellsTable, TrainingDaysColumns, SupervisionColumns, tables.Table):
    """The cohort page's trainee list. Every column reads only what `for_cohort_table()` loaded; the cells of
    the page are worked out once by the functions in `cells()` (core/tables.py), each area's columns by that
    area's own render methods."""

    name = tables.Column(
        verbose_name="Trainee", accessor="user__last_name", order_by=("user__last_name", "user__first_name")
    )
    route = tables.Column(verbose_name="Route", accessor="route__name")
    start_date = tables.DateColumn(verbose_name="Started", format="j M Y")
    month = tables.Column(verbose_name="Month", empty_values=(), orderable=False)
    employing_service = tables.Column(verbose_name="Employing service", accessor="employing_service__name")
    band = tables.Column(verbose_name="Band")
    status = tables.Column(verbose_name="Status")
    caseload_patients = CaseloadColumn()
    caseload_status = CaseloadStatusColumn()

    class Meta:
        model = Enrolment
        fields = ["name", "route", "start_date", "month", "employing_service", "band", "status"]
        # What needs action comes first, beside the name; who they are and where they work after it.
        sequence = [
            "name",
            "month",
            "days_status",
            "university_days",
            "workplace_days",
            "window_end",
            "supervision",
            "missed_weeks",
            "clinical_skills",
            "overdue_reviews",
            "caseload_patients",
            "caseload_status",
            "status",
            "route",
            "start_date",
            "employing_service",
            "band",
        ]
        empty_text = "No trainees match."
        # One line a row at forty trainees: the cells do not wrap, the trainee's name stays at the left while
        # the figures scroll sideways in their box (static/css/cohort.css).
        attrs = {"class": "nhsuk-table app-compact app-cohort-table"}
        template_name = "tables/nhsuk_table_cells.html"

    def __init__(self, *args, caption="Trainees", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.today = timezone.localdate()

    def prepare_page(self, records):
        # Supervision and caseload for the page's rows, each in one bulk read.
        self.supervision_for_page(records)
        figures_for_table(self)

    def cells(self):
        patients, caseload = self.base_columns["caseload_patients"], self.base_columns["caseload_status"]
        return {
            "name": self.render_name,
            "month": self.render_month,
            **self.training_days_cells(),
            **self.supervision_cells(),
            "caseload_patients": lambda record: patients.render(record, self),
            "caseload_status": lambda record: caseload.render(record, self),
            "status": self.render_status,
            "route": lambda record: record.route.name,
            "start_date": lambda record: day_month_year(record.start_date),
            "employing_service": lambda record: record.employing_service.name,
            "band": lambda record: record.get_band_display(),
        }

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("trainees:detail", args=[record.pk]), record.user.display_name
        )

    def render_month(self, record):
        if record.status != Enrolment.Status.ACTIVE:
            return "–"
        return f"{record.month_of_training(self.today)} of {record.route.window_months}"

    def render_status(self, record):
        return record.get_status_display()
