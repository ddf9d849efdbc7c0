"""Tables for the caseload: the cohort page's caseload columns, the contact and case lists, supervisees."""

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.forms import DateInput
from core.tables import CellsTable, day_month_year
from core.templatetags.status import status_tag
from curriculum.selectors import intervention_choices
from trainees.caseload.selectors import caseload_figures_for
from trainees.models import Contact


def figures_tag(figures) -> str:
    return status_tag(figures.status, figures.status_label)


def figures_for_table(table) -> dict:
    """Caseload figures for every record on the table's current page, computed once, in a constant number
    of queries (the page's rows are already loaded, so this adds no query for the records themselves)."""
    cached = getattr(table, "_caseload_figures", None)
    if cached is None:
        records = [row.record for row in table.paginated_rows]
        cached = caseload_figures_for(records, on=timezone.localdate())
        table._caseload_figures = cached
    return cached


class CaseloadColumn(tables.Column):
    """Patients seen against the number the programme's ramp expects by today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", "Patients (actual of expected)")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, record, table):
        figures = figures_for_table(table)[record.pk]
        return format_html(
            '{} <span class="nhsuk-u-secondary-text-colour">of {}</span>',
            figures.actual_patients_to_date,
            f"{figures.expected_patients_to_date:.0f}",
        )


class CaseloadStatusColumn(tables.Column):
    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", "Caseload")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, record, table):
        return figures_tag(figures_for_table(table)[record.pk])


class SuperviseeCaseloadTable(tables.Table):
    """A supervisor's supervisees with their caseload figures, for case-management supervision."""

    name = tables.Column(verbose_name="Trainee", accessor="user__last_name", orderable=False)
    cohort = tables.Column(verbose_name="Cohort", accessor="cohort__name", orderable=False)
    patients = CaseloadColumn()
    active = tables.Column(verbose_name="Active caseload (expected)", empty_values=(), orderable=False)
    hours = tables.Column(verbose_name="Contact hours", empty_values=(), orderable=False)
    status = CaseloadStatusColumn()

    class Meta:
        attrs = {"class": "nhsuk-table"}
        empty_text = "You do not supervise anyone at the moment."

    def __init__(self, *args, caption="Supervisees' caseloads", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("trainees:caseload", args=[record.pk]), record.user.display_name
        )

    def render_active(self, record):
        figures = figures_for_table(self)[record.pk]
        return f"{figures.actual_active_caseload} ({figures.expected_active_caseload:.0f})"

    def render_hours(self, record):
        return f"{figures_for_table(self)[record.pk].contact_hours:.1f}"


class ContactTable(CellsTable, tables.Table):
    """The trainee's contacts, a page at a time; the page's cells are worked out once (core/tables.py)."""

    date = tables.DateColumn(verbose_name="Date", format="j M Y", attrs={"td": {"class": "app-nowrap"}})
    case = tables.Column(
        verbose_name="Case", accessor="case__reference", order_by=("case__reference", "-date")
    )
    type = tables.Column(verbose_name="Type")
    mode = tables.Column(verbose_name="Mode")
    intervention = tables.Column(verbose_name="Intervention", accessor="intervention__name")
    minutes = tables.Column(verbose_name="Minutes")
    measures = tables.Column(verbose_name="PHQ-9 / GAD-7 / WSAS", empty_values=(), orderable=False)
    outcome = tables.Column(verbose_name="Outcome")

    class Meta:
        model = Contact
        fields = ["date", "case", "type", "mode", "intervention", "minutes", "measures", "outcome"]
        attrs = {"class": "nhsuk-table"}
        empty_text = "No contacts match."
        order_by = ("-date",)
        template_name = "tables/nhsuk_table_cells.html"

    def __init__(self, *args, caption="Contacts", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def cells(self):
        return {
            "date": lambda record: day_month_year(record.date),
            "case": lambda record: record.case.reference,
            "type": lambda record: record.get_type_display(),
            "mode": lambda record: record.get_mode_display(),
            "intervention": lambda record: record.intervention.name if record.intervention else "–",
            "minutes": lambda record: record.minutes,
            "measures": self.render_measures,
            "outcome": lambda record: record.get_outcome_display() if record.outcome else "–",
        }

    def render_measures(self, record):
        return " / ".join("–" if v is None else str(v) for v in (record.phq9, record.gad7, record.wsas))


class CaseTable(CellsTable, tables.Table):
    reference = tables.Column(verbose_name="Case")
    presenting_problem = tables.Column(verbose_name="Presenting problem")
    opened_on = tables.DateColumn(verbose_name="Opened", format="j M Y")
    last_contact = tables.DateColumn(verbose_name="Latest contact", format="j M Y")
    contact_count = tables.Column(verbose_name="Contacts")
    status = tables.Column(verbose_name="Status", empty_values=())

    # Paged without counting, as the closed cases are: the overview above already gives the number open.
    lazy_pages = True

    class Meta:
        attrs = {"class": "nhsuk-table"}
        empty_text = "No open cases."
        orderable = False
        template_name = "tables/nhsuk_table_cells.html"

    def __init__(self, *args, caption="Open cases", can_close=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.can_close = can_close

    def cells(self):
        return {
            "reference": lambda record: record.reference,
            "presenting_problem": lambda record: (
                record.get_presenting_problem_display() if record.presenting_problem else "Not recorded"
            ),
            "opened_on": lambda record: day_month_year(record.opened_on),
            "last_contact": lambda record: day_month_year(record.last_contact),
            "contact_count": lambda record: record.contact_count,
            "status": self.render_status,
        }

    def render_status(self, record):
        if record.status == record.Status.CLOSED:
            return f"Closed {record.closed_on.day} {record.closed_on:%b %Y}" if record.closed_on else "Closed"
        if not self.can_close:
            return "Open"
        return format_html(
            'Open · <a href="{}">Close<span class="nhsuk-u-visually-hidden"> case {}</span></a>',
            reverse("trainees:caseload_case_close", args=[record.enrolment_id, record.pk]),
            record.reference,
        )


class ClosedCaseTable(CellsTable, tables.Table):
    """Closed cases with why each referral ended (from the service's referral ends file, in words)."""

    reference = tables.Column(verbose_name="Case")
    opened_on = tables.DateColumn(verbose_name="Opened", format="j M Y")
    closed_on = tables.DateColumn(verbose_name="Closed", format="j M Y")
    end_reason = tables.Column(verbose_name="Why the referral ended")

    # Paged without counting (one query a page), so the page says "Page 2", not "of N".
    lazy_pages = True

    class Meta:
        attrs = {"class": "nhsuk-table"}
        empty_text = "No closed cases."
        orderable = False
        template_name = "tables/nhsuk_table_cells.html"

    def __init__(self, *args, caption="Closed cases", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def cells(self):
        return {
            "reference": lambda record: record.reference,
            "opened_on": lambda record: day_month_year(record.opened_on),
            "closed_on": lambda record: day_month_year(record.closed_on),
            "end_reason": self.render_end_reason,
        }

    def render_end_reason(self, record):
        reason = record.end_reason
        return reason[:1].upper() + reason[1:] if reason else "No reason recorded"


class ContactFilter(django_filters.FilterSet):
    case = django_filters.CharFilter(method="filter_case", label="Case reference contains")
    type = django_filters.ChoiceFilter(choices=Contact.Type.choices, empty_label="Any type")
    mode = django_filters.ChoiceFilter(choices=Contact.Mode.choices, empty_label="Any mode")
    intervention = django_filters.ChoiceFilter(empty_label="Any intervention")
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=DateInput()
    )
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To", widget=DateInput())

    class Meta:
        model = Contact
        fields = ["case", "type", "mode", "intervention", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["intervention"].extra["choices"] = intervention_choices()

    def filter_case(self, queryset, name, value):
        return queryset.filter(Q(case__reference__icontains=value.strip()))
