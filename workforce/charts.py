"""Geometry for the workforce charts: inline SVG drawn on the server, beside a table of the same figures.

Charts only draw figures the suppression rule lets through: a hidden point is left out of its line (and the
table beside it says "fewer than 5, or hidden"), so a chart can never show more than its table.
"""

from dataclasses import dataclass

from workforce.suppression import SuppressedTable

WIDTH, HEIGHT = 520, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 40, 50
COLOURS = ("#005eb8", "#007f3b", "#7c2855", "#ed8b00", "#330072", "#4c6272", "#d5281b")


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: str
    markers: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]
    bars: tuple[Bar, ...]
    x_label: str
    y_label: str
    title: str
    description: str
    ident: str


def _y(value: float, top: float) -> float:
    return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top, 1)


def retention_chart(curves) -> Chart:
    """One line per cohort: the share still a PWP in the service at 0, 6, 12 and 24 months."""

    def x(months: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * months / 24, 1)

    series = []
    for index, (label, points) in enumerate(curves):
        shown = [(x(m), _y(p, 100)) for m, p in points if p is not None]
        series.append(
            Series(label, COLOURS[index % len(COLOURS)], " ".join(f"{a},{b}" for a, b in shown), tuple(shown))
        )
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tuple(Tick(x(m), HEIGHT - BOTTOM, str(m)) for m in (0, 6, 12, 24)),
        tuple(Tick(LEFT, _y(v, 100), f"{v}%") for v in range(0, 101, 20)),
        tuple(series),
        (),
        "Months after qualifying",
        "Still a PWP here",
        "Share of each qualifying cohort still a PWP in this service",
        f"{len(series)} lines, one per cohort, starting at 100% on qualifying. Points hidden by the "
        "small-number rule are left out. The tables below give every figure.",
        "retention-chart",
    )


def band_mix_chart(table: SuppressedTable) -> Chart:
    """Grouped bars: PWPs by band at each year end. Hidden counts draw no bar."""
    groups = len(table.row_labels) or 1
    bands = len(table.column_labels)
    shown = [c.count for row in table.cells for c in row if c.count is not None]
    top = max([5, *shown])
    top = ((top + 4) // 5) * 5
    group_width = (WIDTH - LEFT - RIGHT) / groups
    bar_width = round(group_width * 0.8 / max(bands, 1), 1)
    bars = []
    for g, row in enumerate(table.cells):
        for b, cell in enumerate(row):
            if cell.count:
                x = round(LEFT + g * group_width + group_width * 0.1 + b * bar_width, 1)
                y = _y(cell.count, top)
                bars.append(Bar(x, y, bar_width, round(HEIGHT - BOTTOM - y, 1), COLOURS[b % len(COLOURS)]))
    step = max(top // 5, 1)
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tuple(
            Tick(round(LEFT + g * group_width + group_width / 2, 1), HEIGHT - BOTTOM, label[-4:])
            for g, label in enumerate(table.row_labels)
        ),
        tuple(Tick(LEFT, _y(v, top), str(v)) for v in range(0, top + 1, step)),
        tuple(
            Series(label, COLOURS[b % len(COLOURS)], "", ()) for b, label in enumerate(table.column_labels)
        ),
        tuple(bars),
        "Year end",
        "PWPs",
        "PWPs in the service by band at each year end",
        "Bars grouped by year, one per band. Counts hidden by the small-number rule draw no bar. "
        "The table beside the chart gives every figure.",
        "band-mix-chart",
    )
