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
