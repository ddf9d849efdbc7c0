"""Suppression across tables: a figure hidden in one table cannot be worked out by differencing it with
another table, or a total, shown on the same page or in the same export.

The attacker here knows every shown figure and every relation between the tables (each table's rows and
columns, and the links: the same people's total in two tables, the trainees of every site against the band
4 PWPs) and searches whole numbers from 0 to the largest total for the hidden figures. A hidden figure is
safe only if at least two values fit everything shown.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce.suppression import (
    Link,
    Spec,
    determined,
    equations,
    grand_total,
    greedy_hidden,
    grid_of,
    minimal_hidden,
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
    for ref, value in values.items():
        if 0 < value < 5:
            assert ref in hidden, ("every count from 1 to 4 is hidden", ref)
    eqs = equations(specs, links)
    bound = max(values.values(), default=0)
    for ref in sorted(hidden):
        others = [v for v in range(bound + 1) if v != values[ref]]
        assert any(feasible(eqs, values, hidden, {ref: v}, bound) for v in others), (
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
    # The 3 and the 2 need a loop: the 12s below them close it (4 figures). The greedy rule hid the
    # smallest figure of each line in turn and closed a longer loop through the totals (10 figures).
    specs = [Spec("t", ["a", "b", "c"], ["x", "y", "z"], [[0, 3, 2], [5, 12, 12], [0, 6, 0]])]
    greedy, minimal = greedy_hidden(specs), minimal_hidden(specs)
    assert len(greedy) == 10
    assert minimal == {(0, 0, 1), (0, 0, 2), (0, 1, 1), (0, 1, 2)}
    (table,) = protect(specs)
    assert [c.count for c in table.row_totals] == [5, 29, 6] and table.total.count == 40
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
    assert len(minimal) <= len(greedy_hidden(specs, links))
    assert {ref for ref, v in value.items() if 0 < v < 5} <= minimal
    # Safe as `safe` proves it: elimination fixes nothing, and every hidden figure has a whole-number move.
    assert safe(eqs, value, minimal)
    # And minimal: no figure beyond the small counts can be shown again and stay safe.
    for ref in minimal:
        if not 0 < value[ref] < 5:
            assert not safe(eqs, value, minimal - {ref}), ref


@pytest.mark.xfail(
    strict=True,
    reason="Known gap: `safe` lets a loop's other values put a 0 in a hidden cell, though zeros are shown",
)
def test_a_reader_who_knows_zeros_are_shown_cannot_pin_down_a_hidden_figure():
    # The 1s of row b are protected by the 3 and the 6 above them: a loop whose only other solutions put a 0
    # in a hidden cell (b: 0 and 2, or 2 and 0). No hidden figure of this table is 0 and zeros are shown, so
    # a reader who takes every hidden figure to be at least 1 has the 1, 1, 3 and 6 exactly.
    specs = [Spec("t", ["a", "b", "c"], ["w", "x", "y", "z"], [[5, 5, 3, 6], [0, 15, 1, 1], [8, 0, 6, 0]])]
    (table,) = protect(specs)
    values, hidden = shown_and_hidden(specs, [table])
    assert all(values[ref] for ref in hidden)
    eqs, bound, low = equations(specs), max(values.values()), dict.fromkeys(hidden, 1)
    for ref in sorted(hidden):
        others = [v for v in range(1, bound + 1) if v != values[ref]]
        assert any(feasible(eqs, values, hidden, {ref: v}, bound, low) for v in others), ref


def test_a_hidden_figure_pinned_by_zeros_is_not_counted_safe():
    # Hiding the four figures of [[0, 0], [3, 9]] leaves one loop, and elimination fixes none of them;
    # but a person moved either way around the loop makes one of the zeros negative, so the 3 is known.
    specs = [Spec("t", ["a", "b"], ["x", "y"], [[0, 0], [3, 9]])]
    value, eqs = values_of(specs), equations(specs)
    loop = {(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)}
    assert determined(eqs, loop) == []
    assert not safe(eqs, value, loop)
    assert safe(eqs, value, minimal_hidden(specs))
