"""The caseload ramp engine: pure arithmetic, no database.

A ramp gives the share of a full caseload expected at each point of the training year. Time is measured in
*training months*: days since the start of training, less the days of any interruption, divided by the
average month (365.25 / 12 days). So an interruption pauses the ramp, and the same profile always gives the
same expected total for the year.

Expected new patients to date are the area under the ramp times the full monthly rate (annual caseload / 12).
The expected active caseload is the number of new patients expected over the last `episode_weeks` (how long
a patient stays on a caseload on average), which is Little's law for a steady flow.
"""

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Ramp:
    code: str
    name: str
    kind: str  # "stepped" | "linear"
    annual_caseload: int
    none_months: int
    partial_share: float
    full_from_month: int
    end_share: float
    training_months: int = 12
    episode_weeks: int = 8
    inactive_after_weeks: int = 12
    tolerance_percent: int = 20
    tolerance_patients: int = 5

    @property
    def monthly_rate(self) -> float:
        return self.annual_caseload / 12

    def share_at(self, position: float) -> float:
        """The share of a full caseload expected at `position` training months (0 = the first day)."""
        if position < self.none_months:
            return 0.0
        if position >= self.training_months:
            return self._end_of_training_share()
        if self.kind == "stepped":
            return 1.0 if position >= self.full_from_month - 1 else self.partial_share
        span = self.training_months - self.none_months
        return self.end_share * (position - self.none_months) / span

    def _end_of_training_share(self) -> float:
        return 1.0 if self.kind == "stepped" else self.end_share

    def month_share(self, month: int) -> float:
        """The average share over training month `month` (1-based), as a ramp table shows it."""
        return self._area(month) - self._area(month - 1)  # 0 for month 0 and before: no area before the start

    def _area(self, position: float) -> float:
        """Area under the share curve from 0 to `position` (capped at the end of training), in months."""
        p = min(max(position, 0.0), float(self.training_months))
        if p <= self.none_months:
            return 0.0
        if self.kind == "stepped":
            full_start = self.full_from_month - 1
            partial = min(p, full_start) - self.none_months
            full = max(p - full_start, 0.0)
            return max(partial, 0.0) * self.partial_share + full
        span = self.training_months - self.none_months
        built = p - self.none_months
        return self.end_share * built * built / (2 * span)

    def expected_new(self, position: float) -> float:
        """Expected new patients from the start of training to `position` training months."""
        return self._area(position) * self.monthly_rate

    @property
    def year_total(self) -> float:
        """Expected new patients over the whole training year."""
        return self.expected_new(self.training_months)

    def expected_active(self, position: float) -> float:
        """Expected open caseload at `position`: the new patients of the last `episode_weeks`."""
        window = self.episode_weeks * DAYS_PER_WEEK / DAYS_PER_MONTH
        p = min(position, float(self.training_months))
        return self.expected_new(p) - self.expected_new(p - window)

    def margin(self, expected: float) -> float:
        """How far from the expected figure still counts as on track."""
        return max(expected * self.tolerance_percent / 100, float(self.tolerance_patients))


def merged_pauses(pauses: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Interruptions (first day, last day inclusive), sorted, with overlaps merged."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(pauses):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


@dataclass(frozen=True)
class TrainingClock:
    """Converts between calendar dates and training months for one enrolment, pausing for interruptions."""

    start: date
    pauses: tuple[tuple[date, date], ...] = ()

    @classmethod
    def of(cls, start: date, pauses: list[tuple[date, date]]) -> "TrainingClock":
        return cls(start=start, pauses=tuple(merged_pauses(pauses)))

    def paused_days(self, first: date, last: date) -> int:
        total = 0
        for p_first, p_last in self.pauses:
            a, b = max(p_first, first), min(p_last, last)
            if b >= a:
                total += (b - a).days + 1
        return total

    def days_elapsed(self, on: date) -> int:
        """Training days up to and including `on` (0 before the start)."""
        if on < self.start:
            return 0
        return (on - self.start).days + 1 - self.paused_days(self.start, on)

    def position(self, on: date) -> float:
        """Training months completed by the end of `on`."""
        return self.days_elapsed(on) / DAYS_PER_MONTH

    def date_at(self, position: float) -> date:
        """The last calendar day of the training day that ends at `position` training months."""
        remaining = max(round(position * DAYS_PER_MONTH), 1)
        day = self.start
        for p_first, p_last in self.pauses:
            if p_last < day:
                continue
            run = (p_first - day).days  # training days before this pause
            if remaining <= run:
                break
            remaining -= max(run, 0)
            day = max(day, p_last + timedelta(days=1))
        return day + timedelta(days=remaining - 1)
