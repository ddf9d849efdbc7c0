"""Small helpers shared by the section builders: everything they return must be plain JSON."""

from datetime import date, datetime

from django.utils import timezone


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def moment(value: datetime | None) -> str | None:
    """A timezone-aware datetime as local ISO 8601 (to the second), or None."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def hours(value) -> float:
    return round(float(value), 2)


def json_value(value):
    """An engine value (number, date or None) as JSON."""
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain(value):
    """A dataclass's `asdict` as JSON would read it back: tuples become lists, all the way down."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def file_size(field_file) -> int | None:
    """The stored size of a file field's file, or None when the file is missing or the storage cannot say."""
    if not field_file:
        return None
    try:
        return field_file.size
    except (OSError, NotImplementedError, ValueError):
        return None
