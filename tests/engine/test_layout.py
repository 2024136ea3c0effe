"""Grouping rows: the one-pass path for sorted integer keys agrees with the general sort."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from masterypath.engine import _layout

rows = st.lists(
    st.tuples(st.integers(0, 4), st.integers(-3, 3), st.integers(0, 6)),
    min_size=1,
    max_size=40,
)


def _groups_of(permutation: object, starts: np.ndarray, height: int) -> list[list[int]]:
    rows = np.arange(height) if permutation is None else np.asarray(permutation)
    ends = [*starts.tolist()[1:], height]
    return sorted(rows[a:b].tolist() for a, b in zip(starts.tolist(), ends, strict=True))


def _general(keys: list[pl.Series], order: pl.Series | None) -> list[list[int]]:
    """The rows of each group by the general path (string keys skip the one-pass check)."""
    as_text = [key.cast(pl.String) for key in keys]
    permutation, starts, _ = _layout.sort_groups(as_text, order)
    return _groups_of(permutation, starts, keys[0].len())


@settings(max_examples=200, deadline=None)
@given(rows, st.booleans())
def test_sorted_keys_give_the_same_groups_as_the_general_sort(
    data: list[tuple[int, int, int]],
    with_order: bool,
) -> None:
    data = sorted(data) if len(data) % 2 == 0 else data  # half the cases arrive sorted
    first = pl.Series([a for a, _, _ in data])
    second = pl.Series([b for _, b, _ in data])
    order = pl.Series([t for _, _, t in data]) if with_order else None
    permutation, starts, codes = _layout.sort_groups([first, second], order)
    rows_in_order = np.arange(len(data)) if permutation is None else permutation
    # groups are runs of equal keys, in key order, with order non-decreasing inside each
    keys = [(data[i][0], data[i][1]) for i in rows_in_order]
    assert keys == sorted(keys)
    boundaries = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]]
    assert starts.tolist() == boundaries
    if with_order:
        for i in range(1, len(keys)):
            if keys[i] == keys[i - 1]:
                assert data[rows_in_order[i]][2] >= data[rows_in_order[i - 1]][2]
    # the codes of each group's keys order the groups as the keys do
    group_keys = [keys[s] for s in boundaries]
    coded = list(zip(codes[0].tolist(), codes[1].tolist(), strict=True))
    assert sorted(range(len(coded)), key=coded.__getitem__) == sorted(
        range(len(group_keys)), key=group_keys.__getitem__
    )
    if permutation is None:  # the one-pass path: the general sort finds the same groups
        assert _general([first, second], order) == _groups_of(None, starts, len(data))


def test_already_sorted_integer_keys_need_no_permutation() -> None:
    first = pl.Series([1, 1, 1, 2, 2], dtype=pl.Int32)
    second = pl.Series([5, 5, 7, 5, 5], dtype=pl.Int64)
    day = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    order = pl.Series([day, day + dt.timedelta(days=1), day, day, day])
    permutation, starts, _ = _layout.sort_groups([first, second], order)
    assert permutation is None
    assert starts.tolist() == [0, 2, 3]


def test_a_row_out_of_time_order_inside_a_group_is_sorted() -> None:
    first = pl.Series([1, 1, 2])
    second = pl.Series([5, 5, 5])
    order = pl.Series([3, 2, 1])
    permutation, starts, _ = _layout.sort_groups([first, second], order)
    assert permutation is not None
    assert permutation.tolist() == [1, 0, 2]
    assert starts.tolist() == [0, 2]
