import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from trainees.attendance.tables import TrainingDaysColumns
from trainees.caseload.tables import CaseloadColumn, CaseloadStatusColumn
from trainees.models import Enrolment
from trainees.supervision.tables import SupervisionColumns


class CohortTraineesTable(TrainingDaysColumns, SupervisionColumns, tables.Table):
    """The cohort page's trainee list. Every column reads only what `for_cohort_table()` loaded."""

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

    def __init__(self, *args, caption="Trainees", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.today = timezone.localdate()

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("trainees:detail", args=[record.pk]), record.user.display_name
        )

    def render_month(self, record):
        if record.status != Enrolment.Status.ACTIVE:
            return "–"
        return f"{record.month_of_training(self.today)} of {record.route.window_months}"

    def render_band(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()
