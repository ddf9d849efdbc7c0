"""Small-number suppression for every report about people. Pure: tables of counts in, tables of cells out.

The rule (README, "Careers and workforce"):
1. Primary: a count from 1 to 4 is hidden. Zero is shown (it identifies nobody).
2. Secondary: a table is shown with its row totals, column totals and grand total, so each row and each column
   (totals included) is a sum a reader can check. A hidden cell must never be the only hidden figure in such a
   line, or the total gives it away; and the hidden cells must never split into groups joined by one cell,
   which row and column sums together would also give away. So more cells are hidden, the smallest non-zero
   ones first, until every hidden cell lies on a closed loop of hidden cells (then moving one person around
   the loop changes every hidden figure and no total: none of them can be worked out).
3. Every hidden cell shows the same words, so a reader cannot tell a small count from a cell hidden to
   protect it (different words would narrow the range and could give the small count away).
4. Percentages are worked out from the true counts and shown only where both the count and the total it is a
   share of are shown.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

THRESHOLD = 5
HIDDEN = "fewer than 5, or hidden"
HIDDEN_SHORT = "[c]"


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


@dataclass(frozen=True)
class Cell:
    count: int | None  # None when hidden: the true count never leaves this module for a hidden cell
    percent: float | None = None

    @property
    def hidden(self) -> bool:
        return self.count is None

    def __str__(self):
        return HIDDEN if self.count is None else str(self.count)

    def as_json(self):
        return {"count": self.count, "suppressed": self.hidden, "percent": self.percent}


@dataclass(frozen=True)
class SuppressedTable:
    title: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell

    @property
    def rows(self):
        """(label, cells, total) for templates."""
        return [
            (label, cells, total)
            for label, cells, total in zip(self.row_labels, self.cells, self.row_totals, strict=True)
        ]

    def transposed(self) -> "SuppressedTable":
        """The same cells turned on their side, for tables with many columns (percentages stay shares of
        the original rows' totals)."""
        return SuppressedTable(
            self.title,
            self.column_labels,
            self.row_labels,
            tuple(zip(*self.cells, strict=True)) if self.cells else (),
            self.column_totals,
            self.row_totals,
            self.total,
        )

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "columns": list(self.column_labels),
            "rows": [
                {
                    "label": label,
                    "cells": {c: cell.as_json() for c, cell in zip(self.column_labels, cells, strict=True)},
                    "total": total.as_json(),
                }
                for label, cells, total in self.rows
            ],
            "column_totals": {
                c: cell.as_json() for c, cell in zip(self.column_labels, self.column_totals, strict=True)
            },
            "total": self.total.as_json(),
        }


def suppress_count(count: int) -> Cell:
    """One figure on its own (no total beside it): hidden when from 1 to 4."""
    return Cell(None if is_small(count) else count)


def hidden_mask(
    counts: Sequence[Sequence[int]], *, force: Iterable[tuple[int, int]] = ()
) -> list[list[bool]]:
    """Which cells of the table *with its margins* to hide.

    The result has one more row (the column totals) and one more column (the row totals) than `counts`;
    `[-1][-1]` is the grand total. `force` names cells of that extended grid to hide whatever their value
    (used to keep a total that two tables share hidden in both).
    """
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    grid = [list(map(int, row)) + [sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(columns + 1)])
    height, width = rows + 1, columns + 1
    hidden = [[is_small(grid[r][c]) for c in range(width)] for r in range(height)]
    for r, c in force:
        hidden[r][c] = True

    def lines():
        for r in range(height):
            yield [(r, c) for c in range(width)]
        for c in range(width):
            yield [(r, c) for r in range(height)]

    def choose(candidates):
        # The smallest non-zero figure first (least information lost); an inner cell before a total.
        ranked = sorted(
            candidates,
            key=lambda rc: (
                grid[rc[0]][rc[1]] == 0,
                rc[0] == rows or rc[1] == columns,
                grid[rc[0]][rc[1]],
                rc,
            ),
        )
        return ranked[0] if ranked else None

    changed = True
    while changed:
        changed = False
        for line in lines():
            if sum(hidden[r][c] for r, c in line) == 1:
                pick = choose([(r, c) for r, c in line if not hidden[r][c]])
                if pick is not None:
                    hidden[pick[0]][pick[1]] = True
                    changed = True
        if changed:
            continue
        bridge = _find_bridge(hidden, height, width)
        if bridge is not None:
            side_a, side_b = _sides(hidden, height, width, bridge)
            candidates = [
                (r, c)
                for r in range(height)
                for c in range(width)
                if not hidden[r][c]
                and (
                    (("r", r) in side_a and ("c", c) in side_b) or (("r", r) in side_b and ("c", c) in side_a)
                )
            ]
            pick = choose(candidates)
            if pick is None:  # cannot happen while every line holds 0 or at least 2 hidden cells
                raise AssertionError("no cell can close the loop")
            hidden[pick[0]][pick[1]] = True
            changed = True
    return hidden


def _edges(hidden, height, width):
    return [(r, c) for r in range(height) for c in range(width) if hidden[r][c]]


def _component(edges, start, skip=None):
    adjacency: dict = {}
    for edge in edges:
        if edge == skip:
            continue
        r, c = edge
        adjacency.setdefault(("r", r), set()).add(("c", c))
        adjacency.setdefault(("c", c), set()).add(("r", r))
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for other in adjacency.get(node, ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _find_bridge(hidden, height, width):
    """A hidden cell on no loop of hidden cells (its row and column connect only through it)."""
    edges = _edges(hidden, height, width)
    for edge in edges:
        if ("c", edge[1]) not in _component(edges, ("r", edge[0]), skip=edge):
            return edge
    return None


def _sides(hidden, height, width, bridge):
    edges = _edges(hidden, height, width)
    return _component(edges, ("r", bridge[0]), skip=bridge), _component(edges, ("c", bridge[1]), skip=bridge)


def suppress_table(
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    force_row_totals: Iterable[int] = (),
) -> SuppressedTable:
    """Hide what must be hidden; percentages are shares of the row total."""
    rows, columns = len(row_labels), len(column_labels)
    if rows == 0 or columns == 0:
        empty = Cell(0)
        return SuppressedTable(
            title,
            tuple(row_labels),
            tuple(column_labels),
            tuple(() for _ in row_labels),
            tuple(empty for _ in row_labels),
            tuple(empty for _ in column_labels),
            empty,
        )
    mask = hidden_mask(counts, force=[(r, columns) for r in force_row_totals])
    row_sums = [sum(row) for row in counts]
    column_sums = [sum(counts[r][c] for r in range(rows)) for c in range(columns)]
    grand = sum(row_sums)

    def cell(value, hide, denominator=None, denominator_hidden=True):
        if hide:
            return Cell(None)
        percent = None
        if denominator and not denominator_hidden:
            percent = round(100 * value / denominator, 1)
        return Cell(value, percent)

    cells = tuple(
        tuple(cell(counts[r][c], mask[r][c], row_sums[r], mask[r][columns]) for c in range(columns))
        for r in range(rows)
    )
    return SuppressedTable(
        title=title,
        row_labels=tuple(row_labels),
        column_labels=tuple(column_labels),
        cells=cells,
        row_totals=tuple(cell(row_sums[r], mask[r][columns]) for r in range(rows)),
        column_totals=tuple(
            cell(column_sums[c], mask[rows][c], grand, mask[rows][columns]) for c in range(columns)
        ),
        total=cell(grand, mask[rows][columns]),
    )


def suppress_tables_sharing_row_totals(
    specs: Sequence[tuple[str, Sequence[str], Sequence[str], Sequence[Sequence[int]]]],
) -> list[SuppressedTable]:
    """Several tables over the same rows (the same people split different ways) show the same row totals:
    a total hidden in one must be hidden in all, or the table that shows it undoes the other's protection.
    (Index `len(rows)` stands for the grand total, which they share too.)"""
    forced: set[int] = set()
    while True:
        tables = [suppress_table(*spec, force_row_totals=forced) for spec in specs]
        now = {r for t in tables for r, total in enumerate((*t.row_totals, t.total)) if total.hidden}
        if now <= forced:
            return tables
        forced |= now
