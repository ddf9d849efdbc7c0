"""Suppression across tables: a figure hidden in one table cannot be worked out by differencing it with
another table, or a total, shown on the same page or in the same export.

The attacker here knows every shown figure and every relation between the tables (each table's rows and
columns, and the links: the same people's total in two tables, the trainees of every site against the band
4 PWPs) and searches whole numbers from 0 to the largest total for the hidden figures. A hidden figure is
safe only if at least two values fit everything shown.

The attacker also knows the rule about zeros: a 0 is hidden like a count from 1 to 4 unless a reader
already knows it is 0 (a total of 0, the cells of an empty row or column), so a hidden figure may be 0,
except a hidden total, which is at least 1 (a total of 0 is always shown).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce.suppression import (
    HIDDEN,
    Link,
    Spec,
    ceiling,
    determined,
    equations,
    grand_total,
    greedy_hidden,
    grid_of,
    known_zeros,
    lowest,
    minimal_hidden,
    primary_hidden,
    protect,
    row_total,
    safe,
    shared_row_total_links,
    values_of,
)


def shown_and_hidden(specs, tables):
    values, hidden = {}, set()
    for t, (spec, table) in enumerate(zip(specs, tables, strict=True)):
        grid = grid_of(spec)
        rows, columns = len(spec.row_labels), len(spec.column_labels)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                values[(t, r, c)] = value
                if r < rows and c < columns:
                    cell = table.cells[r][c]
                elif r < rows:
                    cell = table.row_totals[r]
                elif c < columns:
                    cell = table.column_totals[c]
                else:
                    cell = table.total
                if cell.hidden:
                    hidden.add((t, r, c))
                else:
                    assert cell.count == value
    return values, hidden


def feasible(eqs, values, hidden, fixed, bound, low=None):
    """Is there a whole-number assignment of the hidden figures, each from its least value (`low`, default 0)
    to `bound`, with `fixed` as given, that makes every equation add up? Interval propagation over the
    equations, then branching on the unknown with the fewest possible values (the attacker's exhaustive
    search, made quick)."""
    unknown = sorted(hidden)

    def propagate(domains):
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                constant = sum(k * values[ref] for ref, k in eq.items() if ref not in domains)
                terms = [(ref, k) for ref, k in eq.items() if ref in domains]
                if not terms:
                    if constant != 0:
                        return None
                    continue
                low = sum(k * (domains[r][0] if k > 0 else domains[r][1]) for r, k in terms)
                high = sum(k * (domains[r][1] if k > 0 else domains[r][0]) for r, k in terms)
                if not low <= -constant <= high:
                    return None
                for ref, k in terms:
                    lo, hi = domains[ref]
                    # k * x = -constant - (the others), whose range is [low, high] without this term.
                    own_low = k * (lo if k > 0 else hi)
                    own_high = k * (hi if k > 0 else lo)
                    rest_low, rest_high = low - own_low, high - own_high
                    a, b = -constant - rest_high, -constant - rest_low  # range of k * x
                    if k > 0:
                        new = (max(lo, _ceil_div(a, k)), min(hi, _floor_div(b, k)))
                    else:
                        new = (max(lo, _ceil_div(b, k)), min(hi, _floor_div(a, k)))
                    if new[0] > new[1]:
                        return None
                    if new != (lo, hi):
                        domains[ref] = new
                        changed = True
        return domains

    def search(domains):
        domains = propagate(domains)
        if domains is None:
            return False
        open_ = [ref for ref in unknown if domains[ref][0] < domains[ref][1]]
        if not open_:
            return True
        ref = min(open_, key=lambda r: domains[r][1] - domains[r][0])
        lo, hi = domains[ref]
        return any(search({**domains, ref: (v, v)}) for v in range(lo, hi + 1))

    start = {ref: ((low or {}).get(ref, 0), bound) for ref in unknown}
    start.update({ref: (v, v) for ref, v in fixed.items()})
    return search(start)


def _floor_div(a, k):
    return a // k


def _ceil_div(a, k):
    return -(-a // k)


def assert_nothing_hidden_can_be_worked_out(specs, links, tables):
    values, hidden = shown_and_hidden(specs, tables)
    eqs = equations(specs, links)
    known = known_zeros(specs, eqs, values)
    for ref, value in values.items():
        if 0 < value < 5:
            assert ref in hidden, ("every count from 1 to 4 is hidden", ref)
        if value == 0:
            # A 0 is hidden exactly when a reader could not know it: a hidden figure may then be 0.
            assert (ref in hidden) == (ref not in known), ("a 0 is hidden unless a reader knows it", ref)
    # The reader's least value for each hidden figure: 1 for a total (a total of 0 is shown), else 0.
    low = {ref: v for ref, v in lowest(specs).items() if ref in hidden}
    assert all(values[ref] >= v for ref, v in low.items())
    bound = ceiling(values)
    for ref in sorted(hidden):
        others = [v for v in range(low.get(ref, 0), bound + 1) if v != values[ref]]
        assert any(feasible(eqs, values, hidden, {ref: v}, bound, low) for v in others), (
            [s.counts for s in specs],
            ref,
        )


small = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 11])


@st.composite
def same_people_two_ways(draw):
    """Two tables over the same rows (the same people by sex and by age band, say)."""
    rows = draw(st.integers(1, 3))
    first = draw(st.lists(st.lists(small, min_size=2, max_size=3), min_size=rows, max_size=rows))
    first = [row + [0] * (3 - len(row)) for row in first]
    width = draw(st.integers(2, 3))
    second = []
    for row in first:
        total = sum(row)
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=width - 1, max_size=width - 1)))
        second.append([b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)])
    labels = [f"row {i}" for i in range(rows)]
    specs = [
        Spec("first", labels, ["a", "b", "c"], first),
        Spec("second", labels, [f"x{j}" for j in range(width)], second),
    ]
    return specs, shared_row_total_links(specs, [0, 1])


@st.composite
def a_list_adding_up_to_a_cell(draw):
    """Figures without totals (trainees per site) whose sum is a cell of a table with totals (band 4 PWPs on
    the report date), and a lone figure equal to that table's grand total (the PWP headcount)."""
    rows = draw(st.integers(1, 3))
    table = draw(st.lists(st.lists(small, min_size=3, max_size=3), min_size=rows, max_size=rows))
    target = table[-1][0]
    sites = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(0, target), min_size=sites - 1, max_size=sites - 1)))
    split = [b - a for a, b in zip([0, *cuts], [*cuts, target], strict=True)]
    specs = [
        Spec("bands", [f"year {i}" for i in range(rows)], ["band 4", "band 5", "band 6"], table),
        Spec("sites", [f"site {i}" for i in range(sites)], ["trainees"], [[v] for v in split], margins=False),
        Spec("headcount", ["PWPs"], ["people"], [[sum(table[-1])]], margins=False),
    ]
    links = [
        Link(tuple((1, i, 0) for i in range(sites)), ((0, rows - 1, 0),)),
        Link(((2, 0, 0),), (row_total(0, specs[0], rows - 1),)),
    ]
    return specs, links


@st.composite
def one_cohort_at_two_checkpoints(draw):
    """The same cohorts at 6 and at 12 months: where everyone has reached both, the totals are equal."""
    rows = draw(st.integers(1, 3))
    six = draw(st.lists(st.lists(small, min_size=3, max_size=3), min_size=rows, max_size=rows))
    twelve = []
    for row in six:
        total = sum(row)
        cut = draw(st.integers(0, total))
        twelve.append([cut, total - cut, 0])
    labels = [f"cohort {i}" for i in range(rows)]
    specs = [
        Spec("6", labels, ["here", "left", "n/k"], six),
        Spec("12", labels, ["here", "left", "n/k"], twelve),
    ]
    links = [Link((row_total(0, specs[0], r),), (row_total(1, specs[1], r),)) for r in range(rows)]
    links.append(Link((grand_total(0, specs[0]),), (grand_total(1, specs[1]),)))
    return specs, links


pages = st.one_of(same_people_two_ways(), a_list_adding_up_to_a_cell(), one_cohort_at_two_checkpoints())


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_no_hidden_figure_can_be_worked_out_by_differencing_tables_on_one_page(page):
    specs, links = page
    tables = protect(specs, links)
    assert_nothing_hidden_can_be_worked_out(specs, links, tables)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_after_protection_elimination_fixes_no_hidden_figure(page):
    specs, links = page
    tables = protect(specs, links)
    _, hidden = shown_and_hidden(specs, tables)
    assert determined(equations(specs, links), hidden) == []


def test_a_site_hidden_in_the_site_list_cannot_be_had_from_the_band_4_count():
    # Two sites: 3 and 9 trainees; the band mix shows 12 band 4 PWPs. Without the link the 3 would be
    # 12 - 9; with it, the 9 (or the 12) is hidden too.
    specs = [
        Spec("bands", ["2026"], ["band 4", "band 5"], [[12, 20]]),
        Spec("sites", ["north", "south"], ["trainees"], [[3], [9]], margins=False),
    ]
    links = [Link(((1, 0, 0), (1, 1, 0)), ((0, 0, 0),))]
    bands, sites = protect(specs, links)
    assert sites.cells[0][0].hidden
    assert sites.cells[1][0].hidden or bands.cells[0][0].hidden
    assert_nothing_hidden_can_be_worked_out(specs, links, [bands, sites])


def test_unlinked_the_same_tables_would_give_the_small_count_away():
    specs = [
        Spec("bands", ["2026"], ["band 4", "band 5"], [[12, 20]]),
        Spec("sites", ["north", "south"], ["trainees"], [[3], [9]], margins=False),
    ]
    bands, sites = protect(specs)  # no link: each table alone is safe...
    assert not sites.cells[1][0].hidden and not bands.cells[0][0].hidden
    # ...but together they are not: 12 - 9 = 3.
    links = [Link(((1, 0, 0), (1, 1, 0)), ((0, 0, 0),))]
    _, hidden = shown_and_hidden(specs, [bands, sites])
    assert (1, 0, 0) in determined(equations(specs, links), hidden)
    with pytest.raises(AssertionError):  # and the attacker's search finds it
        assert_nothing_hidden_can_be_worked_out(specs, links, [bands, sites])


# --- the minimal choice against the first, greedy one --------------------------------------------------


def test_the_minimal_choice_hides_fewer_figures_than_the_greedy_one_on_this_table():
    # The 0 and the 3 need a loop: the 20 and the 8 close it (4 figures). The greedy rule hid the
    # smallest figure of each line in turn and closed a longer loop (7 figures).
    specs = [Spec("t", ["a", "b", "c"], ["x", "y", "z"], [[6, 12, 5], [0, 6, 20], [8, 11, 3]])]
    greedy, minimal = greedy_hidden(specs), minimal_hidden(specs)
    assert len(greedy) == 7
    assert minimal == {(0, 1, 0), (0, 1, 2), (0, 2, 0), (0, 2, 2)}
    (table,) = protect(specs)
    assert [c.count for c in table.row_totals] == [23, 26, 22] and table.total.count == 71
    assert_nothing_hidden_can_be_worked_out(specs, [], [table])


def alone(counts):
    return [Spec("t", ["r"] * len(counts), ["c"] * len(counts[0]), counts)], []


single_tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(small, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(pages, single_tables.map(alone)))
def test_the_minimal_choice_never_hides_more_than_the_greedy_one_and_is_provably_safe(page):
    specs, links = page
    minimal = minimal_hidden(specs, links)
    value = values_of(specs)
    eqs = equations(specs, links)
    low = lowest(specs)
    primary = primary_hidden(specs, eqs, value)
    assert len(minimal) <= len(greedy_hidden(specs, links))
    assert {ref for ref, v in value.items() if 0 < v < 5} <= primary <= minimal
    # Safe as `safe` proves it: elimination fixes nothing, and every hidden figure has a whole-number move
    # that keeps it at or above the least value a reader knows (0, or 1 for a total).
    assert safe(eqs, value, minimal, low)
    # And minimal: no figure beyond the small counts and unknown zeros can be shown again and stay safe.
    for ref in minimal - primary:
        assert not safe(eqs, value, minimal - {ref}, low), ref


def test_a_reader_who_knows_zeros_are_shown_cannot_pin_down_a_hidden_figure():
    # The 1s of row b used to be protected by the 3 and the 6 above them: a loop whose only other solutions
    # put a 0 in a hidden cell (b: 0 and 2, or 2 and 0). While zeros were shown, a reader took every hidden
    # figure to be at least 1 and had the 1, 1, 3 and 6 exactly. Now the zeros of rows and columns that
    # hold people are hidden too and read the same, so a hidden figure may be 0 and that reasoning fails.
    specs = [Spec("t", ["a", "b", "c"], ["w", "x", "y", "z"], [[5, 5, 3, 6], [0, 15, 1, 1], [8, 0, 6, 0]])]
    (table,) = protect(specs)
    values, hidden = shown_and_hidden(specs, [table])
    assert {(0, 1, 0), (0, 2, 1), (0, 2, 3)} <= hidden  # the three zeros
    assert all(str(table.cells[r][c]) == HIDDEN for (_, r, c) in hidden if r < 3 and c < 4)
    assert_nothing_hidden_can_be_worked_out(specs, [], [table])
    # The old loop of four is no longer enough: with 0 allowed the 1s could be read off the zeros beside them.
    eqs, value = equations(specs), values_of(specs)
    assert safe(eqs, value, hidden, lowest(specs))


def test_a_hidden_figure_pinned_by_zeros_is_not_counted_safe():
    # Hiding the four figures of [[0, 0], [3, 9]] leaves one loop, and elimination fixes none of them;
    # but a person moved either way around the loop makes one of the zeros negative, so the 3 is known.
    specs = [Spec("t", ["a", "b"], ["x", "y"], [[0, 0], [3, 9]])]
    value, eqs = values_of(specs), equations(specs)
    loop = {(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)}
    assert determined(eqs, loop) == []
    assert not safe(eqs, value, loop)
    assert safe(eqs, value, minimal_hidden(specs), lowest(specs))


# --- zeros are hidden like small counts ----------------------------------------------------------------

zero_heavy = st.sampled_from([0, 0, 0, 1, 2, 3, 5, 6, 9])
zero_heavy_tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(zero_heavy, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zero_heavy_tables)
def test_with_zeros_hidden_a_reader_whose_least_value_is_0_pins_down_no_hidden_figure(counts):
    # The attacker takes every hidden figure to be at least 0 (1 for a hidden total, as a total of 0 is
    # shown) and searches every whole-number assignment: each hidden figure must have two possible values.
    specs, links = alone(counts)
    tables = protect(specs, links)
    assert_nothing_hidden_can_be_worked_out(specs, links, tables)
    values, hidden = shown_and_hidden(specs, tables)
    assert determined(equations(specs), hidden) == []


def test_a_zero_among_people_is_hidden_and_a_zero_in_an_empty_row_or_column_is_shown():
    # Row b and column z hold nobody: their zeros are known from the totals and shown. The 0 at (a, y) sits
    # in a row and a column with people in them: it is hidden and reads as any hidden figure does.
    specs = [Spec("t", ["a", "b", "c"], ["x", "y", "z"], [[9, 0, 0], [0, 0, 0], [7, 8, 0]])]
    (table,) = protect(specs)
    assert table.cells[0][1].hidden and str(table.cells[0][1]) == HIDDEN
    assert [c.count for c in table.cells[1]] == [0, 0, 0] and table.row_totals[1].count == 0
    assert [table.cells[r][2].count for r in range(3)] == [0, 0, 0] and table.column_totals[2].count == 0
    assert_nothing_hidden_can_be_worked_out(specs, [], [table])


def test_a_zero_by_definition_is_shown_and_a_link_to_a_zero_total_shows_the_list():
    # A site counted by its typed figure has no trainees by definition: that 0 is shown. And a list of
    # sites adding up to a band 4 count of 0 (a column total of 0) is all 0, known, so shown.
    typed = [
        Spec(
            "sites",
            ["north", "south"],
            ["qualified", "trainees"],
            [[13, 0], [20, 9]],
            margins=False,
            zero_by_definition=[(0, 1)],
        )
    ]
    (sites,) = protect(typed)
    assert sites.cells[0][1].count == 0
    (sites,) = protect([Spec("sites", ["north", "south"], ["q", "t"], [[13, 0], [20, 9]], margins=False)])
    assert sites.cells[0][1].hidden  # the same 0 without the definition is hidden
    specs = [
        Spec("bands", ["2025", "2026"], ["band 4", "band 5"], [[0, 12], [0, 20]]),
        Spec("sites", ["north", "south"], ["trainees"], [[0], [0]], margins=False),
    ]
    links = [Link(((1, 0, 0), (1, 1, 0)), ((0, 1, 0),))]
    bands, sites = protect(specs, links)
    assert [c.count for cells in sites.cells for c in cells] == [0, 0]
    assert [bands.cells[r][0].count for r in range(2)] == [0, 0]
