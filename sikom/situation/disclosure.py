"""Statistical disclosure control for every figure of the situation report (page, chart, export): plain Python, no
Django, no other app (import-linter holds this), so the rules are tested on their own (docs/decisions/0042).

The rules:

- Primary suppression: a count of 1 to ``threshold - 1`` incidents is not shown (``STAFF_THRESHOLD`` = 5 for the
  programme's offices, ``PUBLIC_THRESHOLD`` = 10 on the public page); it is printed as ».«, as the statistics
  offices do. A 0 is shown: it names no one.
- Secondary suppression: a table is published with its row and column totals, which are cells too (an empty
  row total can be as telling as a cell). After the primary suppression, further cells are suppressed until no
  suppressed cell can be recomputed from what is shown.
- The exact check: a table with its totals is a set of linear equations (each row and each column adds up to its
  total). Seen as a graph — a node per row and per column, an edge per suppressed cell — a suppressed cell is
  determined by the shown numbers exactly when its edge lies on no cycle (a bridge): the unknowns can move only
  along cycles (+1, −1, +1, … around it). Every suppressed cell holds at least one incident (0 is never
  suppressed), so a cycle can move both ways without leaving the non-negative numbers: the attacker learns an
  interval, never the value. `find_recomputable` is that check; `protect` ends with it.
- Secondary cells are chosen by a shortest path (Dijkstra, the cell's count as its cost: the smallest numbers are
  given up) that closes a cycle through each recomputable cell. A table gets ``budget_seconds``; when that runs out
  (or no path exists) every non-zero cell of the table is suppressed, which is always safe: each cell then lies on
  the cycle cell → row total → grand total → column total.
- Linked tables: the same total is often published twice (a district's incidents in the list of districts and as
  the row total of a district × channel table). Each table protected alone could hide it in one and show it in the
  other, and the two together would give the hidden cells away. So a table takes the state of such totals from
  the table published first (``fixed``: shown there, shown here; suppressed there, suppressed here) and suppresses
  only its other cells. Should that leave a cell recomputable, the table is withheld entirely (all ».«).

Tables whose categories may overlap (an incident with two categories counts in both) are published with sums of
mentions as their totals, so that every table here adds up and the check above is exact.
"""

import heapq
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

STAFF_THRESHOLD = 5
PUBLIC_THRESHOLD = 10
SUPPRESSED = "."
DEFAULT_BUDGET_SECONDS = 0.05

Cell = tuple[int, int]  # (row, column); row == rows / column == columns is the total row / column


@dataclass
class ProtectedTable:
    """A table after disclosure control. Indexes: ``rows``/``columns`` stand for the totals row and column."""

    rows: int
    columns: int
    with_row_totals: bool
    values: dict[Cell, int]  # every published position, with its true count (never shown when suppressed)
    primary: set[Cell] = field(default_factory=set)
    secondary: set[Cell] = field(default_factory=set)
    fell_back: bool = False  # the time budget ran out and every non-zero cell was suppressed
    withheld: bool = False  # not even that sufficed (totals fixed by other tables): nothing of it is shown

    @property
    def suppressed(self) -> set[Cell]:
        return self.primary | self.secondary

    def shown(self, row: int, column: int) -> int | None:
        """The count to publish, or None where it is suppressed."""
        if self.withheld or (row, column) in self.primary or (row, column) in self.secondary:
            return None
        return self.values[(row, column)]

    def status(self) -> dict[Cell, bool]:
        """Shown (True) or suppressed (False) for every position: the `fixed` of a table linked to this one."""
        return {cell: self.shown(*cell) is not None for cell in self.values}

    def cell(self, row: int, column: int) -> int | None:
        return self.shown(row, column)

    def row_total(self, row: int) -> int | None:
        if not self.with_row_totals:
            return self.shown(row, 0)
        return self.shown(row, self.columns)

    def column_total(self, column: int) -> int | None:
        return self.shown(self.rows, column)

    @property
    def total(self) -> int | None:
        if self.with_row_totals:
            return self.shown(self.rows, self.columns)
        return self.shown(self.rows, 0)


def _positions(rows: int, columns: int, with_row_totals: bool) -> list[Cell]:
    last_column = columns + 1 if with_row_totals else columns
    return [(row, column) for row in range(rows + 1) for column in range(last_column)]


def _nodes(cell: Cell, rows: int, columns: int, with_row_totals: bool) -> tuple[str, str]:
    """The two equations a cell takes part in, as graph nodes. Without row totals (a one-column list with its
    total) the rows carry no equation: they all become one node, »free«."""
    row, column = cell
    row_node = f"r{row}" if with_row_totals else "free"
    return row_node, f"c{column}"


def find_recomputable(suppressed: set[Cell], *, rows: int, columns: int, with_row_totals: bool = True) -> set[Cell]:
    """The suppressed cells whose value follows exactly from the shown ones: the bridges among the suppressed edges.

    Tarjan's bridge search over a multigraph (parallel edges are separate edges), iterative.
    """
    adjacency: dict[str, list[tuple[str, int]]] = defaultdict(list)
    edges = sorted(suppressed)
    for index, cell in enumerate(edges):
        a, b = _nodes(cell, rows, columns, with_row_totals)
        adjacency[a].append((b, index))
        adjacency[b].append((a, index))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    bridges: set[Cell] = set()
    counter = 0
    for start in adjacency:
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack = [(start, -1, iter(adjacency[start]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for neighbour, edge in neighbours:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, edge, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridges.add(edges[via])
    return bridges


def _closing_path(
    bridge: Cell,
    suppressed: set[Cell],
    values: dict[Cell, int],
    rows: int,
    columns: int,
    with_row_totals: bool,
    fixed: frozenset[Cell] = frozenset(),
) -> list[Cell] | None:
    """The cheapest shown non-zero cells that, suppressed, put ``bridge`` on a cycle (None if there are none);
    ``fixed`` positions keep their state."""
    adjacency: dict[str, list[tuple[str, Cell, int]]] = defaultdict(list)
    for cell, value in values.items():
        if cell == bridge or (cell not in suppressed and (value == 0 or cell in fixed)):
            continue
        cost = 0 if cell in suppressed else value
        a, b = _nodes(cell, rows, columns, with_row_totals)
        adjacency[a].append((b, cell, cost))
        adjacency[b].append((a, cell, cost))
    source, target = _nodes(bridge, rows, columns, with_row_totals)
    best = {source: 0}
    came: dict[str, tuple[str, Cell]] = {}
    queue = [(0, source)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == target:
            path = []
            while node != source:
                node, cell = came[node]
                path.append(cell)
            return [cell for cell in path if cell not in suppressed]
        if cost > best.get(node, cost):
            continue
        for neighbour, cell, step in adjacency[node]:
            candidate = cost + step
            if candidate < best.get(neighbour, candidate + 1):
                best[neighbour] = candidate
                came[neighbour] = (node, cell)
                heapq.heappush(queue, (candidate, neighbour))
    return None


def protect(
    cells: Sequence[Sequence[int]],
    *,
    threshold: int,
    with_row_totals: bool = True,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    fixed: dict[Cell, bool] | None = None,
) -> ProtectedTable:
    """Disclosure control for a table of counts (rows × columns, non-negative) with its totals.

    ``with_row_totals=False`` is a list (one column) with only its total below. ``fixed``: positions (usually
    totals) that other published tables show (True) or suppress (False) — this table does the same, so that
    together they give nothing away that each alone would not. Returns what may be shown.
    """
    rows = len(cells)
    columns = len(cells[0]) if rows else 1
    if not with_row_totals and columns != 1:
        raise ValueError("a table without row totals has exactly one column")
    values: dict[Cell, int] = {}
    for row, line in enumerate(cells):
        if len(line) != columns:
            raise ValueError("every row needs the same number of cells")
        for column, value in enumerate(line):
            if value < 0:
                raise ValueError("counts are never negative")
            values[(row, column)] = int(value)
    for column in range(columns):
        values[(rows, column)] = sum(values[(row, column)] for row in range(rows))
    if with_row_totals:
        for row in range(rows + 1):
            values[(row, columns)] = sum(values[(row, column)] for column in range(columns))
    table = ProtectedTable(rows=rows, columns=columns, with_row_totals=with_row_totals, values=values)
    table.primary = {cell for cell, value in values.items() if 0 < value < threshold}
    fixed = {cell: shown for cell, shown in (fixed or {}).items() if cell in values}
    table.secondary = {cell for cell, shown in fixed.items() if not shown and values[cell] > 0} - table.primary
    frozen = frozenset(fixed)
    deadline = time.perf_counter() + budget_seconds
    while True:
        suppressed = table.suppressed
        recomputable = find_recomputable(suppressed, rows=rows, columns=columns, with_row_totals=with_row_totals)
        if not recomputable:
            break
        path = None
        if time.perf_counter() < deadline:
            path = _closing_path(min(recomputable), suppressed, values, rows, columns, with_row_totals, frozen)
        if not path:
            _suppress_everything(table, frozen)
            break
        table.secondary.update(path)
    # The exact check, after the fact: whatever the route above, nothing shown gives a suppressed cell away. A
    # table whose fixed totals leave a cell open shows nothing at all (the totals are published elsewhere).
    if find_recomputable(table.suppressed, rows=rows, columns=columns, with_row_totals=with_row_totals):
        table.withheld = True
    return table


def _suppress_everything(table: ProtectedTable, fixed: frozenset[Cell]) -> None:
    table.fell_back = True
    table.secondary |= {cell for cell, value in table.values.items() if value > 0 and cell not in fixed}
    table.secondary -= table.primary


def display(value: int | None) -> str:
    """A count as text: the number, or ».« where it is suppressed."""
    return SUPPRESSED if value is None else str(value)
