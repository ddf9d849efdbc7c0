"""Date arithmetic and dates in words, shared by every app. Plain Python: no models, no database."""

from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def long_date(day: date) -> str:
    """A date as NHS style writes it: 1 March 2026 (no leading zero, no weekday)."""
    return f"{day.day} {day:%B %Y}"


def whole_months(start: date, end: date) -> int:
    """Completed calendar months from `start` to `end` (0 if `end` is before `start`)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def month_of_training(start: date, on: date) -> int:
    """1 in the first month from `start`, 2 in the second, and so on (0 before the start). The one
    calculation behind "month 6 of 12" on the cohort and trainee pages and the cohort workbook."""
    return 0 if on < start else whole_months(start, on) + 1
