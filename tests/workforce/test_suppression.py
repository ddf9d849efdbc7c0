"""Small-number suppression: nobody can work a hidden count out from what a report shows."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce.suppression import (
    HIDDEN,
    hidden_mask,
    suppress_count,
    suppress_table,
    suppress_tables_sharing_row_totals,
)


def extended(counts):
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(len(counts))) for c in range(len(grid[0]))])
    return grid


def consistent(grid, hidden, assignment):
    """Do these values for the hidden cells keep every row and column adding up to its total?"""
    values = [row[:] for row in grid]
    for (r, c), v in assignment.items():
        values[r][c] = v
    height, width = len(values), len(values[0])
    return all(sum(values[r][:-1]) == values[r][-1] for r in range(height)) and all(
        sum(values[r][c] for r in range(height - 1)) == values[-1][c] for c in range(width)
    )


def possible_values(grid, hidden, target, bound):
    """Every value the hidden cell `target` could take, given what is shown (an attacker's exhaustive search).

    Backtracking over the hidden cells, each between 0 and `bound`, filling a cell as soon as its row or
    column has no other unknown. Small tables only."""
    cells = [(r, c) for r in range(len(grid)) for c in range(len(grid[0])) if hidden[r][c]]
    found = set()

    def forced(assignment):
        # Fill any cell that is the only unknown in its line; None if a line cannot add up.
        assignment = dict(assignment)
        progress = True
        while progress:
            progress = False
            height, width = len(grid), len(grid[0])
            for line in [[(r, c) for c in range(width)] for r in range(height)] + [
                [(r, c) for r in range(height)] for c in range(width)
            ]:
                unknown = [rc for rc in line if hidden[rc[0]][rc[1]] and rc not in assignment]
                if len(unknown) != 1:
                    continue
                total_cell = line[-1]

                def value(rc):
                    return assignment.get(rc, grid[rc[0]][rc[1]])

                (u,) = unknown
                if u == total_cell:
                    v = sum(value(rc) for rc in line[:-1])
                else:
                    v = value(total_cell) - sum(value(rc) for rc in line[:-1] if rc != u)
                if v < 0 or v > bound:
                    return None
                assignment[u] = v
                progress = True
        return assignment

    def search(assignment):
        assignment = forced(assignment)
        if assignment is None:
            return
        free = [rc for rc in cells if rc not in assignment]
        if not free:
            if consistent(grid, hidden, assignment):
                found.add(assignment[target])
            return
        first = free[0]
        for v in range(bound + 1):
            search({**assignment, first: v})
            if len(found) > 1:
                return

    search({})
    return found


tables = st.integers(1, 3).flatmap(
    lambda rows: st.integers(1, 3).flatmap(
        lambda columns: st.lists(
            st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12]), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


# A loaded machine must not fail a rule: speed is not what these tests judge.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_count_can_be_worked_out_from_the_totals(counts):
    grid = extended(counts)
    hidden = hidden_mask(counts)
    bound = grid[-1][-1]
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if 0 < value < 5:
                assert hidden[r][c], "every count from 1 to 4 is hidden"
            if hidden[r][c]:
                assert len(possible_values(grid, hidden, (r, c), bound)) > 1, (counts, (r, c))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_percentages_appear_only_beside_shown_counts_and_totals(counts):
    table = suppress_table(
        "t", [f"r{i}" for i in range(len(counts))], [f"c{j}" for j in range(len(counts[0]))], counts
    )
    for _, cells, total in table.rows:
        for cell in cells:
            if cell.hidden or total.hidden:
                assert cell.percent is None


def test_a_single_small_count_in_a_row_hides_a_second_cell_and_its_column_partner():
    table = suppress_table("t", ["a", "b"], ["x", "y"], [[3, 10], [8, 12]])
    shown = [[str(cell) for cell in cells] for _, cells, _ in table.rows]
    assert shown[0][0] == HIDDEN
    hidden = sum(cell.hidden for cells in table.cells for cell in cells)
    assert hidden >= 2 and shown[0][1] == HIDDEN or shown[1][0] == HIDDEN


def test_a_zero_in_a_column_with_nobody_in_it_is_shown_and_five_is_shown():
    table = suppress_table("t", ["a"], ["x", "y"], [[0, 5]])
    assert [cell.count for cell in table.cells[0]] == [0, 5]
    assert table.total.count == 5


def test_a_lone_figure_from_0_to_4_is_hidden():
    assert suppress_count(4).hidden and suppress_count(0).hidden and suppress_count(5).count == 5


def test_a_row_total_hidden_in_one_table_is_hidden_in_every_table_that_shares_it():
    first, second = suppress_tables_sharing_row_totals(
        [
            ("sex", ["trainees", "qualified"], ["female", "male"], [[3, 0], [20, 6]]),
            ("bsl", ["trainees", "qualified"], ["yes", "no"], [[0, 3], [0, 26]]),
        ]
    )
    assert first.row_totals[0].hidden and second.row_totals[0].hidden
    assert [t.hidden for t in first.row_totals] == [t.hidden for t in second.row_totals]
    assert first.total.hidden == second.total.hidden
