"""Small-number suppression for every report about people. Pure: tables of counts in, tables of cells out.

The rule (README, "Careers and workforce"):
1. Primary: a count from 0 to 4 is hidden (`primary_hidden`). A 0 is hidden like a small count, so a reader
   cannot tell a hidden 0 from a hidden 1 to 4 and must allow every hidden figure to be 0 (while zeros were
   shown, a reader knew each hidden figure was at least 1, and a loop whose other values put a 0 in a hidden
   cell gave its figures away). A 0 the reader knows already is shown (`known_zeros`): a total of 0, the
   cells of an empty row or column, and what links and definitions make 0. As a total of 0 is always shown,
   a hidden total is at least 1 to a reader (`lowest`), and the proof of rule 2 allows for it.
2. Secondary: a table is shown with its row totals, column totals and grand total, so each row and each column
   (totals included) is a sum a reader can check. More figures are hidden until no hidden figure can be worked
   out (`minimal_hidden`): as few as it can find, not the smallest of each line in turn. Two starting points
   (the cheapest loops of hidden cells around each small count, and the first, greedy rule kept as
   `greedy_hidden`) are each checked `safe` and then pruned: every extra figure, largest first, is shown again
   if the rest stays safe. The smaller result wins, so it never hides more than the greedy rule did.
   `safe` is a proof, not a hope: elimination fixes no hidden figure, and for every hidden figure there is a
   whole-number move of the hidden figures (from the least value a reader knows to the largest figure, at
   least 5) that keeps every sum.
3. Every hidden cell shows the same words, so a reader cannot tell a small count from a cell hidden to
   protect it (different words would narrow the range and could give the small count away).
4. Percentages are worked out from the true counts and shown only where both the count and the total it is a
   share of are shown.
5. Across tables: figures of different tables on one page or export are often sums of the same people (the
   same cohort's total at 6 and at 12 months, the trainees of every site and the band 4 PWPs, the people in
   each diversity table). `protect` takes those relations as *links* (this sum of figures equals that sum)
   and treats rows, columns and links as one set of equations, so the same proof covers the whole page.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

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
    margins: bool = True

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
            self.margins,
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
    """One figure on its own (no total beside it): hidden when from 0 to 4, as in a table."""
    return Cell(None if count < THRESHOLD else count)


def hidden_mask(counts: Sequence[Sequence[int]]) -> list[list[bool]]:
    """Which cells of one table *with its margins* to hide (`minimal_hidden` on the table alone).

    The result has one more row (the column totals) and one more column (the row totals) than `counts`;
    `[-1][-1]` is the grand total."""
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    spec = Spec("", [""] * rows, [""] * columns, counts)
    hidden = minimal_hidden([spec])
    return [[(0, r, c) in hidden for c in range(columns + 1)] for r in range(rows + 1)]


def greedy_mask(
    counts: Sequence[Sequence[int]],
    *,
    force: Iterable[tuple[int, int]] = (),
    keep: Iterable[tuple[int, int]] = (),
) -> list[list[bool]]:
    """The first, greedy rule for one table with its margins (see `greedy_hidden`).

    `force` names cells of the extended grid to hide whatever their value (used to keep a figure hidden
    elsewhere on the page hidden here too); `keep` names cells never to hide (figures a reader knows are 0).
    """
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    grid = [list(map(int, row)) + [sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(columns + 1)])
    height, width = rows + 1, columns + 1
    hidden = [[is_small(grid[r][c]) for c in range(width)] for r in range(height)]
    for r, c in force:
        hidden[r][c] = True
    keep = set(keep)

    def lines():
        for r in range(height):
            yield [(r, c) for c in range(width)]
        for c in range(width):
            yield [(r, c) for r in range(height)]

    def choose(candidates):
        # The smallest non-zero figure first (least information lost); an inner cell before a total.
        ranked = sorted(
            [rc for rc in candidates if rc not in keep],
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
            if pick is None:  # only figures known to be 0 could close it: `safe` judges what is left
                break
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


@dataclass(frozen=True)
class Spec:
    """A table of true counts before suppression. Without margins, no totals are shown (a list of figures)."""

    title: str
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    counts: Sequence[Sequence[int]]
    margins: bool = True
    # Cells (row, column) a reader knows are 0 by definition (trainees at a site counted only by the typed
    # figure, which the page says): shown as 0, as hiding a figure whose value is known protects nothing.
    zero_by_definition: Sequence[tuple[int, int]] = ()


# A figure: (table index, row, column) in the table's grid. With margins, row `len(row_labels)` is the
# column totals and column `len(column_labels)` the row totals; (rows, columns) is the grand total.
Ref = tuple[int, int, int]


@dataclass(frozen=True)
class Link:
    """Figures of different tables that add up to the same number: sum(left) == sum(right)."""

    left: tuple[Ref, ...]
    right: tuple[Ref, ...]


def row_total(table: int, spec: Spec, row: int) -> Ref:
    return (table, row, len(spec.column_labels))


def grand_total(table: int, spec: Spec) -> Ref:
    return (table, len(spec.row_labels), len(spec.column_labels))


def grid_of(spec: Spec) -> list[list[int]]:
    """The table's figures as shown: with its totals when it has margins."""
    counts = [list(map(int, row)) for row in spec.counts]
    if not spec.margins or not counts or not spec.column_labels:
        return counts
    grid = [row + [sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(len(counts))) for c in range(len(grid[0]))])
    return grid


def equations(specs: Sequence[Spec], links: Iterable[Link] = ()) -> list[dict[Ref, int]]:
    """Every sum a reader can check: rows and columns of tables with margins, and the links. Each equation
    is {figure: coefficient} adding up to zero."""
    found = []
    for t, spec in enumerate(specs):
        rows, columns = len(spec.row_labels), len(spec.column_labels)
        if not spec.margins or not rows or not columns:
            continue
        for r in range(rows + 1):
            eq = {(t, r, c): 1 for c in range(columns)}
            eq[(t, r, columns)] = -1
            found.append(eq)
        for c in range(columns + 1):
            eq = {(t, r, c): 1 for r in range(rows)}
            eq[(t, rows, c)] = -1
            found.append(eq)
    for link in links:
        eq: dict[Ref, int] = {}
        for ref in link.left:
            eq[ref] = eq.get(ref, 0) + 1
        for ref in link.right:
            eq[ref] = eq.get(ref, 0) - 1
        eq = {ref: k for ref, k in eq.items() if k}
        if eq:
            found.append(eq)
    return found


_PRIME = (1 << 61) - 1  # elimination modulo a large prime: exact for these small integer systems


def _blocks(matrix) -> list[list[dict]]:
    """The rows split into independent systems: rows sharing no unknown, directly or through other rows,
    are apart (a connected component of linked hidden figures). Eliminating each block on its own gives
    exactly the pivots of the whole, at a fraction of the cost: most blocks are a loop or two of one table."""
    parent: dict[int, int] = {}

    def root(c):
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    for row in matrix:
        first, *rest = row
        a = root(first)
        for c in rest:
            b = root(c)
            if a != b:
                parent[b] = a
    blocks: dict[int, list[int]] = {}
    for position, row in enumerate(matrix):
        blocks.setdefault(root(next(iter(row))), []).append(position)
    return list(blocks.values())


def _reduce(matrix, modulus: int | None = None, only: int | None = None) -> dict:
    """`_reduce_block` of each independent block of rows: the same pivots, in the same order, as eliminating
    the whole (callers take the first one), much faster. With `only`, just the block holding that column."""
    matrix = [row for row in matrix if row]
    found = []
    for block in _blocks(matrix):
        if only is not None and not any(only in matrix[p] for p in block):
            continue
        origin: dict[int, int] = {}
        pivots = _reduce_block([matrix[p] for p in block], modulus, origin)
        found += [(block[origin[column]], column, row) for column, row in pivots.items()]
    return {column: row for _, column, row in sorted(found, key=lambda item: item[0])}


def _reduce_block(matrix, modulus: int | None = None, origin: dict | None = None) -> dict:
    """Reduced row echelon form of sparse rows ({column: coefficient}): {pivot column: its row}, every pivot
    row normalised and free of the other pivot columns. Modulo `modulus` (fast, exact for these small
    integer systems) or, without one, in fractions (for whole-number moves)."""
    pivots: dict[int, dict] = {}
    holders: dict[int, set[int]] = {}  # column -> the pivot columns whose rows hold it

    # Modular arithmetic written inline (no helper call per entry: this loop is where suppression spends
    # its time); `m` is the modulus, or 0 for fractions.
    m = modulus or 0

    for position, row in enumerate(matrix):
        row = dict(row)
        # Pivot rows hold no other pivot column, so subtracting one never brings another in.
        for column in [c for c in row if c in pivots]:
            factor = row.get(column)
            if factor:
                for c, v in pivots[column].items():
                    row[c] = (row.get(c, 0) - factor * v) % m if m else row.get(c, 0) - factor * v
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], modulus - 2, modulus) if modulus else 1 / row[column]
        row = {c: (v * inverse) % modulus if modulus else v * inverse for c, v in row.items()}
        for other_column in list(holders.get(column, ())):
            other = pivots[other_column]
            factor = other[column]
            for c, v in row.items():
                x = (other.get(c, 0) - factor * v) % m if m else other.get(c, 0) - factor * v
                if x:
                    other[c] = x
                    holders.setdefault(c, set()).add(other_column)
                else:
                    other.pop(c, None)
                    holders.get(c, set()).discard(other_column)
        pivots[column] = row
        if origin is not None:
            origin[column] = position
        for c in row:
            holders.setdefault(c, set()).add(column)
    return pivots


def determined(eqs: Sequence[dict[Ref, int]], hidden: set[Ref], target: Ref | None = None) -> list[Ref]:
    """The hidden figures that the equations fix to one value, whatever the other hidden figures are.

    Shown figures are constants; the hidden ones are unknowns. In reduced row echelon form an unknown is fixed
    exactly when it leads a row in which no free unknown appears. With `target`, only the block of linked
    hidden figures holding it is eliminated (the answer for the target is the same, the work much less)."""
    unknowns = sorted(hidden)
    index = {ref: i for i, ref in enumerate(unknowns)}
    matrix = []
    for eq in eqs:
        row = {index[ref]: k % _PRIME for ref, k in eq.items() if ref in index}
        if target is not None and len(row) == 1 and target in eq:
            return [target]  # a sum with the target alone hidden gives it away: no elimination needed
        if row:
            matrix.append(row)
    if target is not None:
        if target not in index:
            return []
        pivots = _reduce(matrix, _PRIME, only=index[target])
        row = pivots.get(index[target])
        return [target] if row is not None and len(row) == 1 else []
    pivots = _reduce(matrix, _PRIME)
    return [unknowns[column] for column, row in pivots.items() if len(row) == 1]


def any_determined(eqs: Sequence[dict[Ref, int]], hidden: set[Ref]) -> bool:
    """Whether some hidden figure can be worked out (`determined`, stopping at the first sum with one hidden
    figure before any elimination)."""
    for eq in eqs:
        if sum(ref in hidden for ref in eq) == 1:
            return True
    return bool(determined(eqs, hidden))


def values_of(specs: Sequence[Spec]) -> dict[Ref, int]:
    return {
        (t, r, c): v
        for t, spec in enumerate(specs)
        for r, row in enumerate(grid_of(spec))
        for c, v in enumerate(row)
    }


def _is_total(specs: Sequence[Spec], ref: Ref) -> bool:
    t, r, c = ref
    spec = specs[t]
    return spec.margins and (r == len(spec.row_labels) or c == len(spec.column_labels))


def ceiling(value: dict[Ref, int]) -> int:
    """The largest value a move may give a hidden figure: the largest figure, or 5 if that is less (every
    hidden figure reads "fewer than 5, or hidden", so up to 5 is as likely as anything to a reader). Any
    ceiling is sound (a move found is a real other solution); a lower one only proves less."""
    return max(max(value.values(), default=0), THRESHOLD)


def known_zeros(specs: Sequence[Spec], eqs: Sequence[dict[Ref, int]], value: dict[Ref, int]) -> set[Ref]:
    """The figures a reader knows are 0 whatever is hidden, so they are shown: every total of 0 (a row, a
    column or a whole table with nobody in it), every cell a table says is 0 by definition, and then every
    figure that a sum of known zeros makes 0, as counts are never negative (the cells of an empty row or
    column; a list of sites adding up to a band 4 count of 0 through a link). Any other 0 is hidden like a
    count from 1 to 4.

    Showing zero totals tells a reader one more thing: a hidden total is at least 1 (`lowest`)."""
    known = {ref for ref, v in value.items() if v == 0 and _is_total(specs, ref)}
    known |= {(t, r, c) for t, spec in enumerate(specs) for r, c in spec.zero_by_definition}
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            for sign in (1, -1):
                if all(ref in known for ref, k in eq.items() if k * sign < 0):
                    new = {ref for ref, k in eq.items() if k * sign > 0 and ref not in known}
                    if new:
                        known |= new
                        changed = True
    return known


def primary_hidden(specs: Sequence[Spec], eqs: Sequence[dict[Ref, int]], value: dict[Ref, int]) -> set[Ref]:
    """Primary suppression: every count from 1 to 4, and every 0 a reader does not already know is 0, so a
    reader cannot tell a hidden 0 from a hidden small count (any hidden figure but a total may be 0)."""
    known = known_zeros(specs, eqs, value)
    if any(value[ref] for ref in known):
        raise ValueError("a figure said to be 0 by definition is not 0")
    return {ref for ref, v in value.items() if is_small(v) or (v == 0 and ref not in known)}


def lowest(specs: Sequence[Spec]) -> dict[Ref, int]:
    """The least value a reader knows each hidden figure has: 1 for a total (a total of 0 is always shown),
    0 for anything else (a 0 that is not known to be 0 is hidden)."""
    return {
        (t, r, c): 1
        for t, spec in enumerate(specs)
        if spec.margins and spec.row_labels and spec.column_labels
        for r in range(len(spec.row_labels) + 1)
        for c in range(len(spec.column_labels) + 1)
        if _is_total(specs, (t, r, c))
    }


def greedy_hidden(specs: Sequence[Spec], links: Iterable[Link] = ()) -> set[Ref]:
    """The first algorithm (kept as a yardstick and as one starting point of `minimal_hidden`): each table's
    lines and loops by `hidden_mask`'s greedy rule, then the links, then the smallest figure beside any
    figure elimination still fixes. Safe, but it can hide more than it needs to: a greedy choice made for
    one line is never taken back."""
    links = list(links)
    value = values_of(specs)
    eqs = equations(specs, links)
    known = known_zeros(specs, eqs, value)
    hidden = primary_hidden(specs, eqs, value)
    link_eqs = eqs[len(eqs) - len(links) :] if links else []

    def rank(ref: Ref):
        return (value[ref] == 0, _is_total(specs, ref), value[ref], ref)

    def hide_one(candidates) -> bool:
        candidates = [ref for ref in candidates if ref not in hidden and ref not in known]
        if not candidates:
            return False
        hidden.add(min(candidates, key=rank))
        return True

    masks: dict[int, tuple] = {}  # table -> (the hidden figures it was given, greedy_mask's answer)
    while True:
        changed = False
        for t, spec in enumerate(specs):
            if not spec.margins or not spec.row_labels or not spec.column_labels:
                continue
            force = frozenset((r, c) for (tt, r, c) in hidden if tt == t)
            if masks.get(t, (None,))[0] != force:  # a table whose hidden figures did not change: as before
                keep = [(r, c) for (tt, r, c) in known if tt == t]
                masks[t] = (force, greedy_mask(spec.counts, force=force, keep=keep))
            mask = masks[t][1]
            for r, row in enumerate(mask):
                for c, hide in enumerate(row):
                    if hide and (t, r, c) not in hidden:
                        hidden.add((t, r, c))
                        changed = True
        for eq in link_eqs:
            if sum(ref in hidden for ref in eq) == 1:
                changed = hide_one(eq) or changed
        if changed:
            continue
        fixed = determined(eqs, hidden)
        if not fixed:
            break
        target = fixed[0]
        near = sorted(
            {ref for eq in eqs if target in eq for ref in eq if ref not in hidden and ref not in known},
            key=rank,
        )
        # The smallest figure whose hiding frees the target, if one does; else the smallest beside it.
        freeing = next((ref for ref in near if not determined(eqs, hidden | {ref}, target)), None)
        if freeing is not None:
            hidden.add(freeing)
        elif not hide_one(near) and not hide_one([ref for eq in eqs for ref in eq if set(eq) & hidden]):
            break  # only figures known to be 0 are left to hide: `minimal_hidden` checks the result is safe
    return _made_safe(eqs, value, hidden, lowest(specs), known, rank)


def _cycles_hidden(
    specs: Sequence[Spec], eqs, value: dict[Ref, int], primary: set[Ref], known: set[Ref] = frozenset()
) -> set[Ref] | None:
    """Build a protection one determined figure at a time, each time with the cheapest way to free it: a
    single figure of one of its equations (a link, a list without totals), or the other three corners of a
    rectangle of its table (the shortest loop a person can be moved around without changing any total).
    Cheapest: fewest new figures hidden, then no zeros, then the smallest sum (least information lost).
    None if no way frees a figure (the caller then keeps the other starting point)."""
    hidden = set(primary)
    equations_of: dict[Ref, list[dict[Ref, int]]] = {}
    for eq in eqs:
        for ref in eq:
            equations_of.setdefault(ref, []).append(eq)

    def cost(option):
        new = [ref for ref in option if ref not in hidden]
        return (len(new), sum(value[ref] == 0 for ref in new), sum(value[ref] for ref in new), sorted(new))

    while True:
        fixed = determined(eqs, hidden)
        if not fixed:
            return hidden
        target = fixed[0]
        t, r, c = target
        options = [frozenset({ref}) for eq in equations_of.get(target, ()) for ref in eq if ref not in hidden]
        spec = specs[t]
        if spec.margins and spec.row_labels and spec.column_labels:
            height, width = len(spec.row_labels) + 1, len(spec.column_labels) + 1
            for r2 in range(height):
                for c2 in range(width):
                    if r2 != r and c2 != c:
                        options.append(frozenset({(t, r, c2), (t, r2, c), (t, r2, c2)}))
        options = sorted({o for o in options if cost(o)[0] and not o & known}, key=cost)
        if not options:
            return None
        # The cheapest option that frees the target; if none of the cheapest do (the figure is tied to a
        # figure of another table that is itself fixed), hide the cheapest anyway and look again.
        hidden |= next((o for o in options[:10] if not determined(eqs, hidden | o, target)), options[0])


def _null_space(eqs, hidden: set[Ref]) -> list[dict[Ref, int]]:
    """Whole-number directions in which the hidden figures can all move together without changing any sum a
    reader can check (a basis of the solutions of the equations with every shown figure held fixed)."""
    unknowns = sorted(hidden)
    index = {ref: i for i, ref in enumerate(unknowns)}
    matrix = [{index[ref]: Fraction(k) for ref, k in eq.items() if ref in index} for eq in eqs]
    pivots = _reduce([row for row in matrix if row])
    basis = []
    for free in range(len(unknowns)):
        if free in pivots:
            continue
        vector = {free: Fraction(1)}
        for column, row in pivots.items():
            if free in row:
                vector[column] = -row[free]
        scale = math.lcm(*(v.denominator for v in vector.values()))
        basis.append({unknowns[i]: int(v * scale) for i, v in vector.items()})
    return basis


def safe(eqs, value: dict[Ref, int], hidden: set[Ref], low: dict[Ref, int] | None = None) -> bool:
    """Provably nothing hidden can be worked out: for every hidden figure there is another whole number, from
    its least value (`low`, default 0: a hidden figure may be 0, as zeros are hidden too) to the largest
    figure, that fits every row, column and link (a move along a direction of the null space that keeps
    every hidden figure in range), so the attacker of the tests cannot pin it down. Figures known to be 0
    are shown (`known_zeros`), so they are constants here, never hidden."""
    return _stuck(eqs, value, hidden, low) is None


def _stuck(eqs, value: dict[Ref, int], hidden: set[Ref], low: dict[Ref, int] | None = None) -> Ref | None:
    """The first hidden figure `safe` cannot prove free (one a sum gives away, one elimination fixes, or one
    no move found can change), or None when every hidden figure is free."""
    for eq in eqs:
        alone = [ref for ref in eq if ref in hidden]
        if len(alone) == 1:
            return alone[0]
    fixed = determined(eqs, hidden)
    if fixed:
        return fixed[0]
    low = low or {}
    bound = ceiling(value)
    basis = _null_space(eqs, hidden)

    def excess(direction):
        return sum(
            max(0, low.get(ref, 0) - (value[ref] + k), value[ref] + k - bound) for ref, k in direction.items()
        )

    def witness(target) -> dict[Ref, int] | None:
        # Start from a basis direction that moves the target; while some figure leaves its range, add
        # another basis direction that pulls it back (a local search: whatever it finds is a real move).
        for vector in (v for v in basis if v.get(target)):
            for sign in (1, -1):
                direction = {ref: sign * k for ref, k in vector.items()}
                for _ in range(40):
                    if not excess(direction):
                        return direction
                    ref = next(r for r, k in direction.items() if not low.get(r, 0) <= value[r] + k <= bound)
                    pull = 1 if value[ref] + direction[ref] < low.get(ref, 0) else -1
                    best = None
                    for other in basis:
                        k = other.get(ref)
                        if not k:
                            continue
                        step = pull if k > 0 else -pull
                        trial = {r: direction.get(r, 0) + step * other.get(r, 0) for r in direction | other}
                        trial = {r: k for r, k in trial.items() if k}
                        if trial.get(target) and (best is None or excess(trial) < excess(best)):
                            best = trial
                    if best is None or excess(best) >= excess(direction):
                        break
                    direction = best
        return None

    unmoved = set(hidden)
    for vector in basis:
        for sign in (1, -1):
            direction = {ref: sign * k for ref, k in vector.items()}
            if not excess(direction):
                unmoved -= set(direction)
    for target in sorted(unmoved):
        if target in unmoved:
            direction = witness(target)
            if direction is not None:
                unmoved -= set(direction)
                continue
            other = _another_solution(eqs, value, hidden, low, bound, target)
            if other is None:
                return target
            unmoved -= {ref for ref, v in other.items() if v != value[ref]}
    return None


def _another_solution(eqs, value, hidden, low, bound, target, budget=500, most=24) -> dict[Ref, int] | None:
    """An exact search, for when the local search of `_stuck` finds no move: whole numbers for the hidden
    figures of the target's block, each from its least value to `bound`, that fit every sum and give the
    target another value (interval propagation, then branching on the narrowest figure). None if there is
    none, or if `budget` steps find none, or the block holds more than `most` figures (then the figure counts
    as stuck: unproven is not safe). Kept to small blocks: on a page's large blocks it costs minutes in
    `_prune`, where most figures tried really are stuck."""
    block = _block_of(target, eqs, hidden, most)
    if block is None:
        return None
    block_eqs = [
        (
            {ref: k for ref, k in eq.items() if ref in block},
            sum(k * value[ref] for ref, k in eq.items() if ref not in hidden),
        )
        for eq in eqs
        if set(eq) & block
    ]
    steps = [0]

    def propagate(domains):
        changed = True
        while changed:
            changed = False
            for terms, constant in block_eqs:
                lo = sum(k * (domains[r][0] if k > 0 else domains[r][1]) for r, k in terms.items())
                hi = sum(k * (domains[r][1] if k > 0 else domains[r][0]) for r, k in terms.items())
                if not lo <= -constant <= hi:
                    return None
                for ref, k in terms.items():
                    a, b = domains[ref]
                    own_lo, own_hi = k * (a if k > 0 else b), k * (b if k > 0 else a)
                    rest_lo, rest_hi = lo - own_lo, hi - own_hi
                    # k * x = -constant - rest
                    x_lo, x_hi = sorted(((-constant - rest_hi) / k, (-constant - rest_lo) / k))
                    new = (max(a, math.ceil(x_lo)), min(b, math.floor(x_hi)))
                    if new[0] > new[1]:
                        return None
                    if new != (a, b):
                        domains[ref] = new
                        changed = True
        return domains

    def search(domains):
        steps[0] += 1
        if steps[0] > budget:
            return None
        domains = propagate(dict(domains))
        if domains is None:
            return None
        open_ = [ref for ref in sorted(block) if domains[ref][0] < domains[ref][1]]
        if not open_:
            return {ref: domains[ref][0] for ref in block}
        ref = min(open_, key=lambda r: domains[r][1] - domains[r][0])
        a, b = domains[ref]
        for v in sorted(range(a, b + 1), key=lambda v: abs(v - value[ref])):
            found = search({**domains, ref: (v, v)})
            if found is not None or steps[0] > budget:
                return found
        return None

    start = {ref: (low.get(ref, 0), bound) for ref in block}
    for v in sorted(range(low.get(target, 0), bound + 1), key=lambda v: abs(v - value[target])):
        if v != value[target]:
            found = search({**start, target: (v, v)})
            if found is not None:
                return found
            if steps[0] > budget:
                return None
    return None


def _made_safe(eqs, value: dict[Ref, int], hidden: set[Ref], low, known: set[Ref], rank) -> set[Ref]:
    """Hide more until `safe` holds, one stuck figure at a time. Elimination cannot see what non-negative
    counts rule out (hidden zeros summing to a shown 0 less the shown figures: `[0, 5, 0]` with its total 5
    shown gives both zeros away), so each time hide, beside the stuck figure, the smallest shown figure that
    frees it, or else the smallest one beside it. Never a figure known to be 0. `_prune` then shows again
    whatever is not needed."""
    hidden = set(hidden)
    while (target := _stuck(eqs, value, hidden, low)) is not None:
        near = sorted(
            {ref for eq in eqs if target in eq for ref in eq if ref not in hidden and ref not in known},
            key=rank,
        )
        if not near:
            near = sorted(
                {
                    ref
                    for eq in eqs
                    if set(eq) & hidden
                    for ref in eq
                    if ref not in hidden and ref not in known
                },
                key=rank,
            )
        if not near:
            return hidden  # nothing left to hide: the caller finds it unsafe
        block_of = _block_equations(eqs, hidden | set(near))
        freeing = next(
            (ref for ref in near if _stuck(block_of(target), value, hidden | {ref}, low) != target), None
        )
        hidden.add(freeing if freeing is not None else near[0])
    return hidden


def _block_of(ref: Ref, eqs, hidden: set[Ref], most: int | None = None) -> set[Ref] | None:
    """The hidden figures linked to `ref` through shared sums (itself included), or None once there are more
    than `most`."""
    block, stack = {ref}, [ref]
    while stack:
        x = stack.pop()
        for eq in eqs:
            if x in eq:
                for y in eq:
                    if y in hidden and y not in block:
                        block.add(y)
                        stack.append(y)
        if most is not None and len(block) > most:
            return None
    return block


def _block_equations(eqs, hidden: set[Ref]):
    """A function giving the equations of the block of linked hidden figures that holds a figure."""

    def of(ref):
        block = _block_of(ref, eqs, hidden)
        return [eq for eq in eqs if set(eq) & block]

    return of


def _prune(
    eqs, value: dict[Ref, int], primary: set[Ref], hidden: set[Ref], low: dict[Ref, int] | None = None
) -> set[Ref]:
    """Show again every secondary figure that is not needed, largest first, while the rest stays `safe`:
    the result is minimal (no single hidden figure beyond the small counts can be shown again). `hidden`
    must be safe to start with (the callers check)."""
    hidden = set(hidden)
    equations_of: dict[Ref, list[dict[Ref, int]]] = {}
    for eq in eqs:
        for ref in eq:
            equations_of.setdefault(ref, []).append(eq)
    # Again until nothing changes: with least values a figure refused once can become free to show after
    # another is shown (a hidden figure no move frees makes the whole set unsafe).
    changed = True
    while changed:
        changed = False
        before = len(hidden)
        hidden = _prune_once(eqs, value, primary, hidden, low, equations_of)
        changed = len(hidden) < before
    return hidden


def _prune_once(eqs, value, primary, hidden, low, equations_of) -> set[Ref]:
    for ref in sorted(hidden - primary, key=lambda ref: (-value[ref], ref)):
        trial = hidden - {ref}
        # Quick refusal: a sum left with one hidden figure gives it away (no need to eliminate).
        if any(sum(r in trial for r in eq) == 1 for eq in equations_of.get(ref, ())):
            continue
        # Only the linked hidden figures around `ref` can change: every other block of linked hidden figures
        # is as it was, and was safe (a block's proof uses only its own sums), so check just these.
        near = {r for eq in equations_of.get(ref, ()) for r in eq if r in trial}
        block, stack = set(near), list(near)
        while stack:
            for eq in equations_of.get(stack.pop(), ()):
                for r in eq:
                    if r in trial and r not in block:
                        block.add(r)
                        stack.append(r)
        block_eqs = [eq for eq in eqs if any(r in block for r in eq)]
        if safe(block_eqs, value, block, low):
            hidden = trial
    return hidden


def minimal_hidden(specs: Sequence[Spec], links: Iterable[Link] = ()) -> set[Ref]:
    """The figures to hide: the small counts, and as few others as this can find that leave nothing hidden
    determined. Two starting points, each made safe and then pruned to a minimal set: the cheapest-loop
    construction and the old greedy one. The smaller wins (fewer figures, then the smaller sum), so it never
    hides more than the greedy algorithm did, and every candidate is checked `safe` before it is used."""
    links = list(links)
    value = values_of(specs)
    eqs = equations(specs, links)
    known = known_zeros(specs, eqs, value)
    primary = primary_hidden(specs, eqs, value)
    low = lowest(specs)
    if safe(eqs, value, primary, low):
        return primary

    def rank(ref: Ref):
        return (value[ref] == 0, _is_total(specs, ref), value[ref], ref)

    greedy = greedy_hidden(specs, links)
    candidates = [greedy if not safe(eqs, value, greedy, low) else _prune(eqs, value, primary, greedy, low)]
    built = _cycles_hidden(specs, eqs, value, primary, known)
    if built is not None:
        built = _made_safe(eqs, value, built, low, known, rank)
    if built is not None and safe(eqs, value, built, low):
        candidates.append(_prune(eqs, value, primary, built, low))
    return min(candidates, key=lambda s: (len(s), sum(value[ref] for ref in s), sorted(s)))


def protect(specs: Sequence[Spec], links: Iterable[Link] = ()) -> list[SuppressedTable]:
    """Suppress several tables shown together (one page, one export) as one: primary suppression, then as
    few other figures as `minimal_hidden` finds, until no hidden figure can be worked out from each table's
    rows and columns and the links between tables."""
    hidden = minimal_hidden(specs, links)
    return [
        _assemble(spec, grid_of(spec), {(r, c) for (tt, r, c) in hidden if tt == t})
        for t, spec in enumerate(specs)
    ]


def _assemble(spec: Spec, grid, hidden: set[tuple[int, int]]) -> SuppressedTable:
    rows, columns = len(spec.row_labels), len(spec.column_labels)
    if rows == 0 or columns == 0:
        empty = Cell(0)
        return SuppressedTable(
            spec.title,
            tuple(spec.row_labels),
            tuple(spec.column_labels),
            tuple(() for _ in spec.row_labels),
            tuple(empty for _ in spec.row_labels),
            tuple(empty for _ in spec.column_labels),
            empty,
            margins=spec.margins,
        )
    row_sums = [sum(row) for row in spec.counts]
    column_sums = [sum(spec.counts[r][c] for r in range(rows)) for c in range(columns)]
    grand = sum(row_sums)
    margins = spec.margins

    def cell(value, hide, denominator=None, denominator_hidden=True):
        if hide:
            return Cell(None)
        percent = None
        if denominator and not denominator_hidden:
            percent = round(100 * value / denominator, 1)
        return Cell(value, percent)

    def total(value, r, c):
        # A table without margins shows no totals: they count as hidden, and no percentage rests on them.
        return cell(value, (r, c) in hidden) if margins else Cell(None)

    return SuppressedTable(
        title=spec.title,
        row_labels=tuple(spec.row_labels),
        column_labels=tuple(spec.column_labels),
        cells=tuple(
            tuple(
                cell(
                    spec.counts[r][c],
                    (r, c) in hidden,
                    row_sums[r],
                    not margins or (r, columns) in hidden,
                )
                for c in range(columns)
            )
            for r in range(rows)
        ),
        row_totals=tuple(total(row_sums[r], r, columns) for r in range(rows)),
        column_totals=tuple(
            cell(column_sums[c], (rows, c) in hidden, grand, (rows, columns) in hidden)
            if margins
            else Cell(None)
            for c in range(columns)
        ),
        total=total(grand, rows, columns),
        margins=margins,
    )


def suppress_table(
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
) -> SuppressedTable:
    """One table on its own, with its totals; percentages are shares of the row total."""
    return protect([Spec(title, row_labels, column_labels, counts)])[0]


def shared_row_total_links(specs: Sequence[Spec], tables: Sequence[int]) -> list[Link]:
    """Tables over the same rows (the same people split different ways) show the same row totals."""
    first, *others = tables
    links = []
    for t in others:
        for r in range(len(specs[first].row_labels) + 1):
            links.append(Link((row_total(first, specs[first], r),), (row_total(t, specs[t], r),)))
    return links


def suppress_tables_sharing_row_totals(
    specs: Sequence[tuple[str, Sequence[str], Sequence[str], Sequence[Sequence[int]]]],
) -> list[SuppressedTable]:
    """Several tables over the same rows: a total hidden in one is hidden in all, and nothing hidden in one
    can be worked out from another. (Index `len(rows)` stands for the grand total, which they share too.)"""
    specs = [Spec(*spec) for spec in specs]
    return protect(specs, shared_row_total_links(specs, list(range(len(specs)))))
