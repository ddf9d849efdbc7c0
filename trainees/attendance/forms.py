"""Forms for training days. They read and check input; the services decide and save."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from core.dates import long_date
from core.forms import DateInput, DeidentifiedForm
from curriculum.models import Module
from trainees.attendance.importer import DATE_PATTERNS, parse_date
from trainees.attendance.models import MAX_MINUTES_MISSED, AttendanceStatus
from trainees.attendance.services import WEEKDAY_NAMES, MarkInput, check_mark
from trainees.models import Interruption, TeachingDay

DATE_WIDGET = DateInput()
MAX_HOLIDAY_LINES = 400


class DateField(forms.DateField):
    widget = DATE_WIDGET
    input_formats = list(DATE_PATTERNS)


class HolidaysField(forms.CharField):
    """Dates and date ranges, one a line: `2026-12-22` or `2026-12-22 to 2027-01-02`."""

    widget = forms.Textarea(attrs={"rows": 5})

    def to_python(self, value):
        text = super().to_python(value) or ""
        holidays: set[date] = set()
        lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
        if len(lines) > MAX_HOLIDAY_LINES:
            raise ValidationError(f"Give at most {MAX_HOLIDAY_LINES} lines of holidays.")
        for number, line in enumerate(lines, start=1):
            parts = re.split(r"\s+(?:to|-|–)\s+", line, maxsplit=1)
            first = parse_date(parts[0])
            last = parse_date(parts[1]) if len(parts) == 2 else first
            if first is None or last is None or last < first:
                raise ValidationError(
                    f"Line {number} (“{line}”) is not a date or a date range such as 22/12/2026 to 2/1/2027."
                )
            if (last - first).days > 366:
                raise ValidationError(f"Line {number} covers more than a year.")
            day = first
            while day <= last:
                holidays.add(day)
                day = date.fromordinal(day.toordinal() + 1)
        return sorted(holidays)


class ScheduleForm(DeidentifiedForm):
    start_date = DateField(label="First possible teaching day")
    weekdays = forms.TypedMultipleChoiceField(
        label="Teaching days of the week",
        choices=[(i, name) for i, name in enumerate(WEEKDAY_NAMES[:5])],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    holidays = HolidaysField(
        label="Holidays to skip",
        required=False,
        help_text="One date or range a line, for example 22/12/2026 to 2/1/2027. Days on these dates are "
        "moved to the next teaching day in the pattern.",
    )

    def __init__(self, *args, modules, defaults: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = list(modules)
        for module in self.modules:
            self.fields[f"module_{module.number}"] = forms.IntegerField(
                label=f"Days for module {module.number}: {module.title}",
                min_value=0,
                max_value=100,
                initial=defaults.get(module.number, 0),
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
            )

    def days_per_module(self) -> dict[Module, int]:
        return {m: self.cleaned_data.get(f"module_{m.number}") or 0 for m in self.modules}


class AddDayForm(DeidentifiedForm):
    day = DateField(label="Date")
    module = forms.ModelChoiceField(queryset=Module.objects.none(), label="Module", empty_label=None)
    topic = forms.CharField(label="Topic (optional)", max_length=200, required=False)

    def __init__(self, *args, edition_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(edition_id=edition_id).order_by("number")


class MoveDayForm(DeidentifiedForm):
    new_date = DateField(label="New date")
    reason = forms.CharField(label="Why is the day moving?", max_length=200)


class CancelDayForm(DeidentifiedForm):
    cancel_reason = forms.CharField(label="Why is the day cancelled?", max_length=200)


class RegisterForm(DeidentifiedForm):
    """One row per trainee: a status, minutes missed when late or leaving early, and a short note."""

    reason = forms.CharField(
        label="Why are you correcting the register?",
        max_length=200,
        required=False,
        help_text="Needed when you change a mark that was already saved. It is kept with the change.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows, minutes_recorded: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.minutes_recorded = minutes_recorded
        for row in rows:
            pk, name = row.enrolment.pk, row.enrolment.user.display_name
            mark = row.mark
            default = "authorised_absence" if row.interrupted else "present"
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=f"Attendance for {name}",
                choices=AttendanceStatus.choices,
                initial=mark.status if mark else default,
            )
            if not minutes_recorded:
                # The programme records lateness without minutes: no minutes field at all.
                self.fields[f"note_{pk}"] = self._note_field(name, mark)
                continue
            self.fields[f"minutes_{pk}"] = forms.IntegerField(
                label=f"Minutes missed by {name}",
                min_value=0,
                max_value=MAX_MINUTES_MISSED,
                required=False,
                initial=mark.minutes_missed if mark and mark.minutes_missed else None,
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
            )
            self.fields[f"note_{pk}"] = self._note_field(name, mark)

    @staticmethod
    def _note_field(name, mark):
        return forms.CharField(
            label=f"Note for {name}", max_length=200, required=False, initial=mark.note if mark else ""
        )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.enrolment.pk
            status = cleaned.get(f"status_{pk}")
            if status is None:
                continue
            minutes = cleaned.get(f"minutes_{pk}") or 0
            if status not in ("late", "left_early"):
                # Minutes left over from switching back to present are dropped, not an error.
                minutes = 0
                cleaned[f"minutes_{pk}"] = 0
            mark = MarkInput(status, minutes, cleaned.get(f"note_{pk}") or "")
            problem = check_mark(mark, minutes_recorded=self.minutes_recorded)
            if problem:
                field = f"note_{pk}" if problem.startswith("The note") else f"minutes_{pk}"
                self.add_error(field, f"{row.enrolment.user.display_name}: {problem}")
        return cleaned

    def rows_with_fields(self):
        for row in self.rows:
            pk = row.enrolment.pk
            minutes = self[f"minutes_{pk}"] if self.minutes_recorded else None
            yield row, self[f"status_{pk}"], minutes, self[f"note_{pk}"]

    def marks(self):
        return {
            row.enrolment.pk: MarkInput(
                status=self.cleaned_data[f"status_{row.enrolment.pk}"],
                minutes_missed=self.cleaned_data.get(f"minutes_{row.enrolment.pk}") or 0,
                note=self.cleaned_data.get(f"note_{row.enrolment.pk}") or "",
            )
            for row in self.rows
        }


class WorkplaceDayForm(DeidentifiedForm):
    day = DateField(label="Date")
    module = forms.ModelChoiceField(queryset=Module.objects.none(), label="Module", empty_label=None)
    activity = forms.CharField(
        label="Activity", max_length=200, help_text="For example: shadowed assessments with a qualified PWP."
    )
    reflection = forms.CharField(
        label="Short reflection",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you learnt and how you will use it. Do not identify any patient.",
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(
            route_modules__route_id=enrolment.route_id
        ).order_by("number")


class ReviewForm(DeidentifiedForm):
    """Confirm or turn down a workplace day or a catch-up, with a comment (needed to turn down)."""

    decision = forms.ChoiceField(widget=forms.RadioSelect, label="Your decision")
    comment = forms.CharField(
        label="Comment", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, yes_label: str, no_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("yes", yes_label), ("no", no_label)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "no" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Say why, so that the trainee knows what to do next.")
        return cleaned


class CatchUpForm(DeidentifiedForm):
    teaching_day = forms.ModelChoiceField(
        queryset=TeachingDay.objects.none(), label="Missed day", empty_label=None
    )
    activity = forms.CharField(
        label="Catch-up activity",
        max_length=300,
        help_text="For example: watched the recorded teaching and completed the module 2 workbook.",
    )
    completed_on = DateField(label="Completed on")

    def __init__(self, *args, missed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teaching_day"].queryset = missed
        self.fields["teaching_day"].label_from_instance = lambda day: (
            f"{long_date(day.date)} (module {day.module.number})"
        )


class InterruptionForm(DeidentifiedForm):
    starts_on = DateField(label="First day of the interruption")
    ends_on = DateField(label="Last day of the interruption")
    reason = forms.ChoiceField(choices=Interruption.Reason.choices, widget=forms.RadioSelect, label="Reason")
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day must be on or after the first day.")
        return cleaned


class ImportForm(DeidentifiedForm):
    file = forms.FileField(
        label="Attendance file",
        help_text="The tracker's workbook (.xlsx), or with a format below an Excel, OpenDocument (.ods), CSV "
        "or tab-separated text file as your university's system exports it.",
    )
    profile = forms.ChoiceField(label="Format of the file (import profile)", required=False)
    dry_run = forms.BooleanField(label="Check the file without saving anything", required=False)

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.profiles = {p.code: p for p in profiles if p.code != "standard-register"}
        self.fields["profile"].choices = [("", "The tracker's register workbook (.xlsx)")] + [
            (code, p.name) for code, p in self.profiles.items()
        ]

    def clean_profile(self):
        value = self.cleaned_data.get("profile")
        return self.profiles.get(value) if value else None


class ProgressDateForm(DeidentifiedForm):
    on = DateField(label="Show progress on", required=False)
