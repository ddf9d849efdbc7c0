"""Geometry for the caseload chart: an inline SVG drawn on the server (no JavaScript), beside a data table.

The template only places what this returns; the figures themselves come from selectors.caseload.
"""

import math
from dataclasses import dataclass

from trainees.caseload.selectors import CaseloadYear

WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 40, 50


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    expected_points: str
    actual_points: str
    actual_markers: tuple[tuple[float, float], ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    today_x: float | None
    title: str
    description: str


def _nice_step(top: float) -> int:
    raw = max(top, 1) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(int(factor * magnitude), 1)
    return int(10 * magnitude)


def caseload_chart(year: CaseloadYear, *, who: str) -> Chart:
    months = year.months
    total = len(months)
    highest = max([m.expected_to_date for m in months] + [m.actual_to_date or 0 for m in months] + [1])
    step = _nice_step(highest)
    top = step * math.ceil(highest / step)

    def x(position: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * position / total, 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top, 1)

    expected = [(x(0), y(0))] + [(x(m.month), y(m.expected_to_date)) for m in months]
    actual = [(x(0), y(0))]
    for m in months:
        if m.actual_to_date is None:
            break
        position = min(year.position, m.month) if m.is_current else m.month
        actual.append((x(position), y(m.actual_to_date)))
    reached = [m for m in months if m.actual_to_date is not None]
    expected_now = next((m.expected_to_date for m in reversed(reached)), 0)
    if reached:
        last = reached[-1]
        description = (
            f"Two lines over {total} months of training. The dashed line is the expected number of patients "
            f"seen so far, rising to {months[-1].expected_to_date:.0f} by month {total}. The solid line is "
            f"the actual number: {last.actual_to_date} by month {last.month}, against {expected_now:.0f} "
            "expected by the end of that month. The table of months gives every figure."
        )
    else:
        description = (
            f"The dashed line is the expected number of patients seen so far, rising to "
            f"{months[-1].expected_to_date:.0f} by month {total}. Training has not started, so there is no "
            "actual line yet."
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        expected_points=" ".join(f"{a},{b}" for a, b in expected),
        actual_points=" ".join(f"{a},{b}" for a, b in actual),
        actual_markers=tuple(actual[1:]),
        x_ticks=tuple(Tick(x(m.month), HEIGHT - BOTTOM, str(m.month)) for m in months),
        y_ticks=tuple(Tick(LEFT, y(v), str(v)) for v in range(0, top + 1, step)),
        today_x=None if year.finished or not reached else x(year.position),
        title=f"Patients seen by {who} against the ramp, by month of training",
        description=description,
    )
