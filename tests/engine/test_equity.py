"""Small-group suppression: hand-computed patterns, and a property test that no hidden number
can be recovered from the shown ones by any sum or difference (checked by linear algebra,
independently of the graph rule the engine uses)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from masterypath.engine.equity import (
    Suppression,
    gap_points,
    is_small,
    share,
    suppress,
    suppress_groups,
)


def recoverable(
    counts: NDArray[np.int64],
    pattern: Suppression,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> list[str]:
    """Every hidden entry whose value the shown entries determine.

    Unknowns: the hidden entries and the margins that are not shown at all. Equations: each
    row's cells sum to its total, each column's to its total, both sets of totals to the grand
    total, with the shown values moved to the right-hand side. An unknown is determined exactly
    when its unit vector lies in the row space of the equations' coefficient matrix.
    """
    rows, cols = counts.shape
    names: list[str] = []
    hidden: dict[str, bool] = {}

    def add(name: str, is_hidden: bool, is_shown_at_all: bool = True) -> None:
        names.append(name)
        hidden[name] = is_hidden or not is_shown_at_all

    for r in range(rows):
        for c in range(cols):
            add(f"cell{r},{c}", bool(pattern.cells[r, c]))
    for r in range(rows):
        add(f"row{r}", bool(pattern.row_totals[r]), row_totals)
    for c in range(cols):
        add(f"col{c}", bool(pattern.column_totals[c]), column_totals)
    add("grand", pattern.grand, row_totals or column_totals)
    equations: list[dict[str, int]] = [
        {**{f"cell{r},{c}": 1 for c in range(cols)}, f"row{r}": -1} for r in range(rows)
    ]
    equations.extend(
        {**{f"cell{r},{c}": 1 for r in range(rows)}, f"col{c}": -1} for c in range(cols)
    )
    equations.append({**{f"row{r}": 1 for r in range(rows)}, "grand": -1})
    equations.append({**{f"col{c}": 1 for c in range(cols)}, "grand": -1})
    unknowns = [name for name in names if hidden[name]]
    if not unknowns:
        return []
    index = {name: i for i, name in enumerate(unknowns)}
    matrix = np.zeros((len(equations), len(unknowns)))
    for e, equation in enumerate(equations):
        for name, coefficient in equation.items():
            if name in index:
                matrix[e, index[name]] = coefficient
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for name in unknowns:
        is_unshown = (
            (name.startswith("row") and not row_totals)
            or (name.startswith("col") and not column_totals)
            or (name == "grand" and not (row_totals or column_totals))
        )
        if is_unshown:
            continue  # never shown anywhere: nothing to protect
        unit = np.zeros(len(unknowns))
        unit[index[name]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(name)
    return found


@pytest.mark.parametrize(
    ("counts", "hidden", "total_hidden"),
    [
        ([40, 30, 12], [False, False, False], False),
        # 5 is small; the next smallest group (12) goes with it.
        ([5, 40, 30, 12], [True, False, False, True], False),
        # Two groups: the other one is the total minus the small one, so both go.
        ([4, 50], [True, True], False),
        # An empty group is no complement: hiding it would protect nothing.
        ([5, 0, 30], [True, False, True], False),
        # A total below the threshold is hidden itself, which protects the one small group.
        ([5, 0], [True, False], True),
        # Two small groups protect each other.
        ([3, 6, 200], [True, True, False], False),
        ([0, 0, 0], [False, False, False], False),
    ],
)
def test_groups_hide_small_ones_and_their_complement(
    counts: list[int], hidden: list[bool], total_hidden: bool
) -> None:
    """A partition hides its small groups and, when one would be the total minus the shown
    ones, the smallest non-empty other group."""
    assert suppress_groups(counts, threshold=10) == (hidden, total_hidden)


def test_threshold_is_the_smallest_group_shown() -> None:
    """With a threshold of 10, a group of 10 shows and a group of 9 does not."""
    assert suppress_groups([10, 10, 50], threshold=10) == ([False, False, False], False)
    assert suppress_groups([9, 10, 50], threshold=10) == ([True, True, False], False)
    assert is_small(9, 10)
    assert not is_small(10, 10)
    assert not is_small(0, 10)


def test_two_way_table_hides_the_cheapest_rectangle() -> None:
    """One small cell in a table shown with row and column totals takes three cells with it,
    the cheapest rectangle (20 + 20 + 20 rather than any 30)."""
    pattern = suppress([[5, 20, 30], [20, 20, 20], [30, 30, 30]], threshold=10)
    assert pattern.cells.tolist() == [
        [True, True, False],
        [True, True, False],
        [False, False, False],
    ]
    assert not pattern.row_totals.any()
    assert not pattern.column_totals.any()
    assert not pattern.grand


def test_two_small_cells_in_one_row_need_a_second_row() -> None:
    """Two small cells of one row protect each other within the row, but the column totals
    would give each away: a second row joins them."""
    pattern = suppress([[4, 6, 100], [50, 60, 70]], threshold=10)
    assert pattern.cells.tolist() == [[True, True, False], [True, True, False]]


def test_small_margin_is_hidden_with_a_partner() -> None:
    """A grade of 8 students is hidden; the school total minus the other grades would give it
    away, so another grade's total goes too (the smallest), and cells close the cycle."""
    pattern = suppress([[4, 4], [30, 20], [40, 50]], threshold=10)
    assert pattern.row_totals.tolist() == [True, True, False]
    assert not pattern.grand
    assert recoverable(np.array([[4, 4], [30, 20], [40, 50]]), pattern) == []


def test_margins_hidden_elsewhere_stay_hidden() -> None:
    """A margin that another table hides is hidden here too, and protected."""
    counts = np.array([[30, 40], [50, 60]])
    pattern = suppress(counts, threshold=10, hidden_column_totals=[True, True])
    assert pattern.column_totals.tolist() == [True, True]
    assert recoverable(counts, pattern) == []
    assert pattern.cells.any()  # the column totals are sums of cells: some cells must go


def test_hidden_cells_of_another_measure_are_hidden() -> None:
    """A cell another measure hides is hidden, with its complements."""
    pattern = suppress([[30, 40, 50]], threshold=10, column_totals=False, hidden_cells=[[1, 0, 0]])
    assert pattern.cells.tolist() == [[True, True, False]]


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="2-D"):
        suppress([1, 2, 3])
    with pytest.raises(ValueError, match="negative"):
        suppress([[1, -2]])
    with pytest.raises(ValueError, match="threshold"):
        suppress([[1, 2]], threshold=0)
    with pytest.raises(ValueError, match="shape"):
        suppress([[1, 2]], hidden_cells=[[True]])


counts_strategy = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(
                    st.integers(min_value=0, max_value=12), st.integers(min_value=10, max_value=90)
                ),
                min_size=cols,
                max_size=cols,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(
    counts=counts_strategy,
    threshold=st.sampled_from([3, 5, 10, 20]),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_no_hidden_value_can_be_recovered_by_subtraction(
    counts: list[list[int]], threshold: int, row_totals: bool, column_totals: bool, seed: int
) -> None:
    """Whatever the table, the threshold, the margins shown and the margins another table
    hides: every small entry is hidden, and no hidden entry is determined by the shown ones."""
    table = np.array(counts, dtype=np.int64)
    rng = np.random.default_rng(seed)
    forced_rows = (rng.random(table.shape[0]) < 0.2).tolist()
    forced_cols = (rng.random(table.shape[1]) < 0.2).tolist()
    pattern = suppress(
        table,
        threshold=threshold,
        row_totals=row_totals,
        column_totals=column_totals,
        hidden_row_totals=forced_rows if row_totals else None,
        hidden_column_totals=forced_cols if column_totals else None,
    )
    small = (table > 0) & (table < threshold)
    assert pattern.cells[small].all()
    if row_totals:
        sums = table.sum(axis=1)
        assert pattern.row_totals[(sums > 0) & (sums < threshold)].all()
        assert pattern.row_totals[np.array(forced_rows)].all()
    if column_totals:
        sums = table.sum(axis=0)
        assert pattern.column_totals[(sums > 0) & (sums < threshold)].all()
    assert recoverable(table, pattern, row_totals=row_totals, column_totals=column_totals) == []


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(
        st.one_of(st.integers(min_value=0, max_value=12), st.integers(min_value=10, max_value=90)),
        min_size=1,
        max_size=9,
    ),
    threshold=st.sampled_from([5, 10]),
)
def test_no_hidden_group_is_the_total_minus_the_others(counts: list[int], threshold: int) -> None:
    """In one partition, a hidden group is never the (shown) total minus the shown groups:
    either the total is hidden or at least two groups are."""
    hidden, total_hidden = suppress_groups(counts, threshold=threshold)
    assert all(h for n, h in zip(counts, hidden, strict=True) if is_small(n, threshold))
    if not total_hidden:
        assert sum(hidden) != 1


def test_share_and_gap_in_points() -> None:
    """A group at 45% against 60% of all students is 15 points behind; empty groups have no
    share, and a gap needs both shares."""
    assert share(9, 20) == pytest.approx(0.45)
    assert share(0, 0) is None
    assert gap_points(0.45, 0.60) == pytest.approx(-15.0)
    assert gap_points(None, 0.6) is None
