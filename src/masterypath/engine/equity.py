"""Disaggregation with small-group suppression, and gaps between groups.

Reports show counts and shares for groups of students (race/ethnicity, sex, economic
disadvantage, disability, English learners). A group with fewer than ``threshold`` students
(10 unless a district sets otherwise) is hidden, and so is whatever else must be hidden so that
no hidden number can be worked out from the numbers shown.

**The table.** The unit of suppression is a table of student counts ``n[r, c]`` (rows: grades
or schools; columns: student groups) shown with its margins: the row totals, the column
totals and the grand total. Any additive quantity of the same students (how many are on grade
level, the sum of the levels they gained) is shown or hidden on the same pattern, so a pattern
that protects the counts protects every such quantity.

**Primary suppression**: every cell and margin with ``0 < n < threshold``. An empty group
(``n = 0``) says nothing about any student and stays visible.

**Complementary suppression.** Hidden entries are unknowns tied by the table's sums: each row
adds up to its total, each column to its total, the totals to the grand total. Write the table
with its margins as an ``(R + 1) x (C + 1)`` matrix whose every line sums to zero (the cells,
minus the row totals in an extra column, minus the column totals in an extra row, plus the
grand total in the corner). Each entry is then an edge of the complete bipartite graph between
the matrix's rows and its columns, and the hidden entries form a subgraph. A change of the
hidden values that keeps every line sum is a circulation on that subgraph (``+t, -t, +t, ...``
around a cycle), and the circulations are exactly the cycle space. So a hidden entry can be
recovered by subtraction (by any linear combination of the shown numbers) if and only if its
edge lies on no cycle of hidden edges, that is, it is a *bridge* of the hidden subgraph.

The rule: while some hidden entry is a bridge, hide the cheapest set of shown entries that
closes a cycle through it (a shortest path between its two ends, Dijkstra, where unknown
entries cost nothing and a shown one costs its students; an empty cell costs more than every
non-empty cell together, since hiding a group nobody is in protects little; a margin more than
every set of cells). Each step hides at least one entry and a fully hidden table has no
bridge, so the loop ends. Margins that another table already hides (``hidden_row_totals``,
``hidden_column_totals``, ``hidden_grand``) are hidden here too, so that tables sharing a
margin agree, and so are cells another measure of the same students hides (``hidden_cells``).

Margins a page does not show at all (``row_totals=False`` or ``column_totals=False``; a
one-row table's column totals are its cells) are unknowns that need no protection.

Source: the cell-suppression problem of statistical disclosure control (Cox, "Suppression
methodology and statistical disclosure control", JASA 75, 1980; Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, chapter 4): a pattern protects against exact
recovery exactly when every suppressed cell lies on a cycle of suppressed cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

DEFAULT_THRESHOLD = 10

# What an entry of the augmented matrix is.
_SHOWN, _HIDDEN, _UNSHOWN = 0, 1, 2


@dataclass(frozen=True)
class Suppression:
    """Which entries of a table to hide: cells ``(R, C)``, row totals ``(R,)``, column totals
    ``(C,)`` and the grand total. ``True`` means hidden."""

    cells: NDArray[np.bool_]
    row_totals: NDArray[np.bool_]
    column_totals: NDArray[np.bool_]
    grand: bool

    @property
    def hidden_count(self) -> int:
        return (
            int(self.cells.sum())
            + int(self.row_totals.sum())
            + int(self.column_totals.sum())
            + int(self.grand)
        )


def is_small(n: int, threshold: int) -> bool:
    """The primary rule: a group of 1 to ``threshold - 1`` students is too small to show."""
    return 0 < n < threshold


def suppress(
    counts: ArrayLike,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
    hidden_row_totals: Sequence[bool] | None = None,
    hidden_column_totals: Sequence[bool] | None = None,
    hidden_grand: bool = False,
    hidden_cells: ArrayLike | None = None,
) -> Suppression:
    """The suppression pattern of a table of counts shown with its margins (see the module).

    ``counts`` is ``R x C`` (non-negative integers). ``row_totals`` / ``column_totals`` say
    whether those margins are shown at all; ``hidden_*`` force margins hidden that another
    table hides, ``hidden_cells`` (an ``R x C`` boolean table) cells that another measure of the
    same students hides. Returns which cells and margins to hide.
    """
    n = np.asarray(counts, dtype=np.int64)
    if n.ndim != 2 or n.shape[0] == 0 or n.shape[1] == 0:
        raise ValueError(f"counts must be a non-empty 2-D table, not of shape {n.shape}")
    if (n < 0).any():
        raise ValueError("counts must not be negative")
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    rows, cols = n.shape
    # The augmented matrix: rows 0..R-1 and the totals row R; columns 0..C-1 and totals C.
    size = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    size[:rows, :cols] = n
    size[:rows, cols] = n.sum(axis=1)
    size[rows, :cols] = n.sum(axis=0)
    size[rows, cols] = n.sum()
    state = np.full((rows + 1, cols + 1), _SHOWN, dtype=np.int8)
    small = (size > 0) & (size < threshold)
    state[small] = _HIDDEN
    if hidden_cells is not None:
        forced = np.asarray(hidden_cells, dtype=bool)
        if forced.shape != n.shape:
            raise ValueError(f"hidden_cells must have the shape of counts, {n.shape}")
        state[:rows, :cols][forced] = _HIDDEN
    if hidden_row_totals is not None:
        state[:rows, cols][np.asarray(hidden_row_totals, dtype=bool)] = _HIDDEN
    if hidden_column_totals is not None:
        state[rows, :cols][np.asarray(hidden_column_totals, dtype=bool)] = _HIDDEN
    if hidden_grand:
        state[rows, cols] = _HIDDEN
    if not row_totals:
        state[:rows, cols] = _UNSHOWN
    if not column_totals:
        state[rows, :cols] = _UNSHOWN
    if not row_totals and not column_totals:
        state[rows, cols] = _UNSHOWN
    _complete(state, size)
    hidden = state == _HIDDEN
    result_rows = hidden[:rows, cols].copy()
    result_cols = hidden[rows, :cols].copy()
    grand = bool(hidden[rows, cols])
    # The same number twice: a one-row table's total is its grand total (and columns alike).
    if rows == 1 and row_totals:
        grand = result_rows[0] = grand or bool(result_rows[0])
    if cols == 1 and column_totals:
        grand = result_cols[0] = grand or bool(result_cols[0])
    return Suppression(
        cells=hidden[:rows, :cols].copy(),
        row_totals=result_rows,
        column_totals=result_cols,
        grand=grand,
    )


def suppress_groups(
    counts: Sequence[int], *, threshold: int = DEFAULT_THRESHOLD, hidden_total: bool = False
) -> tuple[list[bool], bool]:
    """One partition of students into groups, shown with its total: which groups to hide and
    whether the total is hidden (a total of 1 to threshold - 1 students is hidden too).

    No hidden group can be computed as the total minus the shown groups: a single small group
    takes the next smallest non-empty group with it.
    """
    pattern = suppress(
        [list(counts)],
        threshold=threshold,
        column_totals=False,
        hidden_row_totals=[hidden_total],
    )
    return [bool(x) for x in pattern.cells[0]], bool(pattern.row_totals[0])


def _weights(size: NDArray[np.int64]) -> NDArray[np.float64]:
    """What hiding each entry costs: a cell its students; an empty cell more than every
    non-empty cell together (hiding a group nobody is in protects little); a margin more than
    every set of cells."""
    cells_total = float(size[:-1, :-1].sum()) + 1.0
    weight = np.where(size > 0, size, cells_total).astype(np.float64)
    margin_cost = cells_total * (size.size + 1)
    weight[-1, :] += margin_cost
    weight[:, -1] += margin_cost
    return weight


def _complete(state: NDArray[np.int8], size: NDArray[np.int64]) -> None:
    """Hide entries until no hidden entry is a bridge of the unknown subgraph (in place):
    each bridge gets the cheapest path of entries that closes a cycle through it."""
    weight = _weights(size)
    while True:
        bridge = _first_bridge(state)
        if bridge is None:
            return
        for entry in _cheapest_cycle(state, weight, bridge):
            state[entry] = _HIDDEN


def _first_bridge(state: NDArray[np.int8]) -> tuple[int, int] | None:
    """The first hidden entry (row-major) through which no cycle of unknown entries passes."""
    unknown = state != _SHOWN
    for row, col in np.argwhere(state == _HIDDEN).tolist():
        unknown[row, col] = False
        reached = _reaches(unknown, row, col)
        unknown[row, col] = True
        if not reached:
            return int(row), int(col)
    return None


def _reaches(unknown: NDArray[np.bool_], row: int, col: int) -> bool:
    """Whether row vertex ``row`` reaches column vertex ``col`` through unknown entries."""
    rows_seen = np.zeros(unknown.shape[0], dtype=bool)
    cols_seen = np.zeros(unknown.shape[1], dtype=bool)
    new_rows = rows_seen.copy()
    new_rows[row] = True
    while new_rows.any():
        rows_seen |= new_rows
        new_cols = unknown[new_rows].any(axis=0) & ~cols_seen
        if new_cols[col]:
            return True
        cols_seen |= new_cols
        new_rows = unknown[:, new_cols].any(axis=1) & ~rows_seen
    return False


def _cheapest_cycle(
    state: NDArray[np.int8], weight: NDArray[np.float64], bridge: tuple[int, int]
) -> list[tuple[int, int]]:
    """The shown entries on the cheapest path from the bridge's column back to its row, where
    unknown entries cost nothing (Dijkstra on the complete bipartite graph)."""
    rows, cols = state.shape
    cost = np.where(state == _SHOWN, weight, 0.0)
    cost[bridge] = np.inf
    # Vertices 0..rows-1 are rows, rows..rows+cols-1 columns; start at the bridge's column.
    count = rows + cols
    dist = np.full(count, np.inf)
    previous = np.full(count, -1, dtype=np.int64)
    done = np.zeros(count, dtype=bool)
    start, goal = rows + bridge[1], bridge[0]
    dist[start] = 0.0
    while not done[goal]:
        open_dist = np.where(done, np.inf, dist)
        vertex = int(np.argmin(open_dist))
        if not np.isfinite(open_dist[vertex]):
            return []  # unreachable: cannot happen in a complete bipartite graph
        done[vertex] = True
        if vertex >= rows:  # a column: its neighbours are the rows
            through = dist[vertex] + cost[:, vertex - rows]
            targets = np.arange(rows)
        else:
            through = dist[vertex] + cost[vertex, :]
            targets = np.arange(rows, count)
        better = (through < dist[targets]) & ~done[targets]
        dist[targets[better]] = through[better]
        previous[targets[better]] = vertex
    path: list[tuple[int, int]] = []
    vertex = goal
    while vertex != start:
        before = int(previous[vertex])
        entry = (vertex, before - rows) if vertex < rows else (before, vertex - rows)
        if state[entry] == _SHOWN:
            path.append(entry)
        vertex = before
    return path


# ---------------------------------------------------------------------------------------------
# Shares and gaps


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None for an empty group."""
    return part / whole if whole > 0 else None


def gap_points(group_share: float | None, all_share: float | None) -> float | None:
    """The gap between a group and all students in percentage points:
    ``100 * (group - all)``; negative when the group does less well. None when either is
    unknown (hidden or empty)."""
    if group_share is None or all_share is None:
        return None
    if not (math.isfinite(group_share) and math.isfinite(all_share)):
        return None
    return 100.0 * (group_share - all_share)
