"""Disclosure control (sikom.situation.disclosure): each rule, and an attacker who recomputes suppressed cells from
the shown ones and the totals — by linear programming, the strongest use of the margins there is (the bounds of
each suppressed cell under every shown number and every total, counts never negative)."""

import itertools
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from sikom.situation import disclosure
from sikom.situation.disclosure import PUBLIC_THRESHOLD, STAFF_THRESHOLD, find_recomputable, protect


def attacker_bounds(table: disclosure.ProtectedTable) -> dict[tuple[int, int], tuple[float, float]]:
    """The smallest and largest value each suppressed cell can have, given everything the table shows."""
    unknowns = sorted(table.suppressed)
    if not unknowns:
        return {}
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows, columns = table.rows, table.columns
    equations = []  # (cells, total cell): sum(cells) == total
    for column in range(columns):
        equations.append(([(row, column) for row in range(rows)], (rows, column)))
    if table.with_row_totals:
        for row in range(rows + 1):
            equations.append(([(row, column) for column in range(columns)], (row, columns)))
        equations.append(([(row, columns) for row in range(rows)], (rows, columns)))
    a_eq, b_eq = [], []
    for cells, total in equations:
        coefficients = np.zeros(len(unknowns))
        known = 0.0
        for cell, sign in [*((c, 1) for c in cells), (total, -1)]:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                known -= sign * table.values[cell]
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(known)
    bounds = {}
    for cell, i in index.items():
        objective = np.zeros(len(unknowns))
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        assert low.status == 0
        bounds[cell] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return bounds


def assert_safe(table: disclosure.ProtectedTable, threshold: int):
    # Primary: every count of 1..threshold-1 (cells and totals) is suppressed; 0 is shown.
    for cell, value in table.values.items():
        if 0 < value < threshold:
            assert table.shown(*cell) is None, cell
        if value == 0:
            assert table.shown(*cell) == 0, cell
    # Secondary: the attacker gets an interval of some width for every suppressed cell, never the value.
    for cell, (low, high) in attacker_bounds(table).items():
        assert high - low > 0.5, (cell, low, high, table.values[cell])
        assert low - 1e-6 <= table.values[cell] <= high + 1e-6


def test_small_counts_are_suppressed_and_zero_is_shown():
    table = protect([[3, 12], [0, 40]], threshold=STAFF_THRESHOLD)
    assert table.cell(0, 0) is None and (0, 0) in table.primary
    assert table.cell(1, 0) == 0
    assert disclosure.display(table.cell(0, 0)) == "."
    assert_safe(table, STAFF_THRESHOLD)


def test_staff_and_public_thresholds_differ():
    cells = [[7, 30], [25, 40]]
    assert protect(cells, threshold=STAFF_THRESHOLD).cell(0, 0) == 7
    assert protect(cells, threshold=PUBLIC_THRESHOLD).cell(0, 0) is None
    assert (STAFF_THRESHOLD, PUBLIC_THRESHOLD) == (5, 10)


def test_a_lone_suppressed_cell_would_be_recomputed_from_its_row_total():
    # Row 0: 3 + 20 = 23. With only the 3 hidden, 23 - 20 gives it away: the check finds that.
    assert find_recomputable({(0, 0)}, rows=2, columns=2) == {(0, 0)}
    table = protect([[3, 20], [30, 40]], threshold=STAFF_THRESHOLD)
    assert table.secondary, "a second cell in the row and column must be suppressed"
    assert not find_recomputable(table.suppressed, rows=2, columns=2)
    assert_safe(table, STAFF_THRESHOLD)


def test_the_attacker_gets_no_cell_from_the_margins():
    table = protect([[2, 50, 60], [40, 3, 70], [55, 65, 80]], threshold=STAFF_THRESHOLD)
    assert (0, 0) in table.primary and (1, 1) in table.primary
    assert_safe(table, STAFF_THRESHOLD)
    # What the page would print, read back by the attacker: still no suppressed value recoverable.
    shown = [[table.cell(r, c) for c in range(3)] for r in range(3)]
    assert shown[0][0] is None and shown[1][1] is None


def test_secondary_suppression_picks_small_cells_not_the_large_ones():
    table = protect([[3, 100, 6], [90, 200, 7], [80, 300, 400]], threshold=STAFF_THRESHOLD)
    assert table.secondary <= {(0, 2), (1, 2), (1, 0), (2, 0), (1, 3)} | {(0, 3), (3, 0), (3, 2)}
    assert (1, 1) not in table.suppressed and (2, 2) not in table.suppressed
    assert_safe(table, STAFF_THRESHOLD)


def test_a_small_row_total_is_suppressed_with_its_cells():
    table = protect([[1, 2], [30, 40]], threshold=STAFF_THRESHOLD)
    assert table.row_total(0) is None  # 3 incidents in the row
    assert_safe(table, STAFF_THRESHOLD)


def test_a_list_with_its_total():
    table = protect([[3], [50], [60]], threshold=STAFF_THRESHOLD, with_row_totals=False)
    assert table.cell(0, 0) is None
    # 113 - 50 - 60 would give the 3: a second entry is suppressed.
    assert table.cell(1, 0) is None and table.cell(2, 0) == 60 and table.total == 113
    assert_safe(table, STAFF_THRESHOLD)


def test_a_list_where_everything_small_is_suppressed_with_its_total():
    table = protect([[3], [0]], threshold=STAFF_THRESHOLD, with_row_totals=False)
    assert table.cell(0, 0) is None and table.total is None and table.cell(1, 0) == 0
    assert_safe(table, STAFF_THRESHOLD)


def test_when_the_time_budget_runs_out_everything_non_zero_is_suppressed():
    table = protect([[3, 20], [30, 0]], threshold=STAFF_THRESHOLD, budget_seconds=0)
    assert table.fell_back
    assert table.cell(1, 1) == 0 and all(table.shown(*cell) is None for cell, v in table.values.items() if v)
    assert_safe(table, STAFF_THRESHOLD)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        protect([[1, -2]], threshold=5)
    with pytest.raises(ValueError):
        protect([[1, 2], [3]], threshold=5)
    with pytest.raises(ValueError):
        protect([[1, 2]], threshold=5, with_row_totals=False)


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_are_safe_against_the_attacker(seed):
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 7), rng.randint(2, 6)
    cells = [[rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 40]) for _ in range(columns)] for _ in range(rows)]
    threshold = rng.choice([STAFF_THRESHOLD, PUBLIC_THRESHOLD])
    table = protect(cells, threshold=threshold)
    assert_safe(table, threshold)


@pytest.mark.parametrize("seed", range(10))
def test_random_lists_are_safe_against_the_attacker(seed):
    rng = random.Random(100 + seed)
    cells = [[rng.choice([0, 1, 3, 7, 12, 30])] for _ in range(rng.randint(1, 9))]
    table = protect(cells, threshold=STAFF_THRESHOLD, with_row_totals=False)
    assert_safe(table, STAFF_THRESHOLD)


def test_the_graph_check_agrees_with_linear_algebra_on_every_small_pattern():
    """For a 2 × 2 table with totals (9 positions), every set of suppressed positions: a cell is recomputable by
    the graph check exactly when the equations fix it (rank test)."""
    rows = columns = 2
    positions = [(r, c) for r in range(rows + 1) for c in range(columns + 1)]
    equations = []
    for c in range(columns + 1):
        equations.append({(r, c): 1 for r in range(rows)} | {(rows, c): -1})
    for r in range(rows + 1):
        equations.append({(r, c): 1 for c in range(columns)} | {(r, columns): -1})
    for size in range(1, 6):
        for hidden in itertools.combinations(positions, size):
            matrix = np.array([[eq.get(cell, 0) for cell in hidden] for eq in equations], dtype=float)
            rank = np.linalg.matrix_rank(matrix)
            fixed = set()
            for i, cell in enumerate(hidden):
                reduced = np.delete(matrix, i, axis=1)
                if np.linalg.matrix_rank(reduced) < rank:
                    fixed.add(cell)
            assert find_recomputable(set(hidden), rows=rows, columns=columns) == fixed, hidden


def test_linked_totals_keep_the_state_they_have_in_the_list():
    """The district list suppresses Dresden (3) and, to protect it, Leipzig (50); a district × channel table must
    hide both row totals too and show Görlitz's, or the two tables together give the 3 away."""
    districts = protect([[3], [50], [60]], threshold=STAFF_THRESHOLD, with_row_totals=False)
    assert districts.cell(0, 0) is None and districts.cell(1, 0) is None and districts.cell(2, 0) == 60
    fixed = {(row, 2): districts.cell(row, 0) is not None for row in range(3)} | {(3, 2): True}
    cross = protect([[3, 0], [20, 30], [25, 35]], threshold=STAFF_THRESHOLD, fixed=fixed)
    assert cross.row_total(0) is None and cross.row_total(1) is None and cross.row_total(2) == 60
    assert cross.total == 113
    # The attacker knows both tables: the list adds nothing the cross table does not show already.
    assert_safe(cross, STAFF_THRESHOLD)


def test_a_table_whose_fixed_totals_leave_a_cell_open_is_withheld():
    # Column 0 holds only the 3; row 0's total, column 1's and the grand total are shown elsewhere: whatever this
    # table hides, 10 - 7 or the column gives the 3 away.
    fixed = {(0, 2): True, (1, 2): True, (2, 1): True, (2, 2): True}
    table = protect([[3, 7], [0, 30]], threshold=STAFF_THRESHOLD, fixed=fixed)
    assert table.withheld and all(table.shown(*cell) is None for cell in table.values)


@pytest.mark.parametrize("seed", range(15))
def test_random_linked_tables_are_safe(seed):
    rng = random.Random(500 + seed)
    rows, columns = rng.randint(2, 6), rng.randint(2, 5)
    cells = [[rng.choice([0, 0, 1, 2, 4, 8, 15, 40]) for _ in range(columns)] for _ in range(rows)]
    listed = protect([[sum(line)] for line in cells], threshold=STAFF_THRESHOLD, with_row_totals=False)
    fixed = {(row, columns): listed.cell(row, 0) is not None for row in range(rows)}
    fixed[(rows, columns)] = listed.total is not None
    table = protect(cells, threshold=STAFF_THRESHOLD, fixed=fixed)
    if table.withheld:
        return
    for row in range(rows):
        assert (table.row_total(row) is None) == (listed.cell(row, 0) is None)
    assert_safe(table, STAFF_THRESHOLD)
