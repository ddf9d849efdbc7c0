"""The demo programme: fixed people and records at known stages, built through the same services as real use.

Each module seeds one area and is idempotent: it looks up what exists by stable keys and adds what is missing.
"""

from datetime import date, datetime, time

from django.utils import timezone

DEMO_PASSWORD = "wellbeing-demo-passphrase"


def past_moment(day: date, hour: int) -> datetime:
    """A working-day time on `day` for something the demo records as done then: never in the future."""
    return min(timezone.make_aware(datetime.combine(day, time(hour))), timezone.now())
