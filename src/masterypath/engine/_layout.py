"""Array layouts shared by the vectorised methods (private).

Rows arrive sorted by group (a (student, target) pair, or a (skill, student) sequence) and then
by time. Two layouts make per-group recursions cheap in numpy:

* *segments*: rows sorted by group (``sort_groups``, a stable integer sort that is skipped when
  the rows are already sorted) and the start offset of every group, for ``np.add.reduceat``
  and friends (closed forms such as the decaying average's weights).
* *packed* (time-major, ragged, no padding): sequences (of all skills together) are ranked
  longest first, so at step ``t`` the sequences still running are a prefix ``[0, n_t)`` of the
  columns and their ``t``-th rows are one contiguous slice. A recursion over all sequences then
  costs one short loop over ``t`` with whole-slice numpy operations, and memory equals the
  number of rows. (PyTorch calls the same idea ``pack_padded_sequence``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from masterypath.engine._kernels import runs_if_sorted

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def dense_codes(column: pl.Series) -> tuple[IntArray, int]:
    """Integer codes ``0 <= code < n`` that are equal exactly where the values are equal.

    Integers with a compact range are shifted (no hashing); strings go through a categorical;
    anything else is ranked. The codes keep the order of integer values, not of strings.
    """
    if column.len() == 0:
        return np.zeros(0, dtype=np.int64), 0
    dtype = column.dtype
    if dtype == pl.String:
        column = column.cast(pl.Categorical)
        dtype = column.dtype
    if isinstance(dtype, pl.Categorical | pl.Enum):
        column = column.to_physical()
        dtype = column.dtype
    if dtype.is_integer() and column.null_count() == 0:
        values = column.to_numpy().astype(np.int64, copy=False)
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * values.size + 1024:
            return values - low, high - low + 1
    codes = (column.rank("dense").to_numpy() - 1).astype(np.int64)
    return codes, int(codes.max()) + 1


def sort_groups(
    keys: list[pl.Series], order: pl.Series | None = None
) -> tuple[IntArray | None, IntArray, list[IntArray]]:
    """Stable permutation that sorts rows by ``keys`` (then ``order``), with group starts.

    Returns ``(permutation, group starts in sorted order, codes of each key per group)``; the
    permutation is None when the rows are already sorted (a frame read with ``ORDER BY``
    costs no sort and no copy). When ``order`` is None or already non-decreasing, the input
    order is kept inside each group.
    """
    height = keys[0].len()
    starts = _starts_if_sorted(keys, order)
    if starts is not None:
        return None, starts, [dense_codes(key.gather(starts))[0] for key in keys]
    sizes: list[int] = []
    combined = np.zeros(height, dtype=np.int64)
    for key in keys:
        if key.dtype.is_integer() and key.null_count() == 0 and key.len():
            low, high = int(key.min()), int(key.max())  # type: ignore[arg-type]
            if high - low <= 4 * height + 1024:
                # compact integers: shift in place, no code array (memory stays ~8 B/row)
                sizes.append(high - low + 1)
                combined *= high - low + 1
                combined += key.to_numpy()
                combined -= low
                continue
        codes, size = dense_codes(key)
        sizes.append(size)
        combined *= size
        combined += codes
        del codes
    permutation: IntArray | None = None
    if order is not None and not order.is_sorted():
        by_time = order.arg_sort().to_numpy().astype(np.int64)
        permutation = by_time[np.argsort(combined[by_time], kind="stable")]
        del by_time
    elif height > 1 and not bool(np.all(combined[1:] >= combined[:-1])):
        permutation = np.argsort(combined, kind="stable").astype(np.int64)
    if permutation is not None:
        combined = combined[permutation]
    if height == 0:
        return permutation, np.zeros(0, dtype=np.int64), [np.zeros(0, np.int64) for _ in keys]
    changed = np.empty(height, dtype=bool)
    changed[0] = True
    np.not_equal(combined[1:], combined[:-1], out=changed[1:])
    starts = np.flatnonzero(changed).astype(np.int64)
    del changed
    group_key = combined[starts]
    group_codes: list[IntArray] = []
    for size in reversed(sizes):
        group_codes.append(group_key % size)
        group_key = group_key // size
    return permutation, starts, group_codes[::-1]


def _plain_numbers(column: pl.Series) -> NDArray[Any] | None:
    """The column as a numpy view of integers (dates and times as their physical integers),
    or None when it is not one (strings, floats, nulls)."""
    if column.dtype.is_temporal():
        column = column.to_physical()
    if not column.dtype.is_integer() or column.null_count():
        return None
    return column.to_numpy()


def _starts_if_sorted(keys: list[pl.Series], order: pl.Series | None) -> IntArray | None:
    """Group starts in one compiled pass when two integer keys (and ``order`` inside each
    group) are already sorted, as a selector's ``ORDER BY`` gives them; else None."""
    if len(keys) != 2 or keys[0].len() == 0:
        return None
    first, second = _plain_numbers(keys[0]), _plain_numbers(keys[1])
    if first is None or second is None:
        return None
    order_values = None
    if order is not None:
        order_values = _plain_numbers(order)
        if order_values is None:
            return None
    return runs_if_sorted(first, second, order_values)


@dataclass(frozen=True, slots=True)
class PackedBlock:
    """One block (e.g. one skill) of sequences in the packed, time-major layout.

    ``offsets[t]`` is the first slot of step ``t`` relative to ``start``; step ``t`` holds the
    ``active[t] = offsets[t + 1] - offsets[t]`` sequences that are longer than ``t``, longest
    first. ``columns[c]`` is the sequence (group) number of column ``c``.
    """

    start: int
    offsets: IntArray
    columns: IntArray

    @property
    def active(self) -> IntArray:
        return np.diff(self.offsets)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    @property
    def steps(self) -> int:
        return int(self.offsets.size - 1)


def column_ranks(lengths: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """``(offsets, columns, rank)`` of one packed block: sequences ranked longest first."""
    order = np.argsort(-lengths, kind="stable").astype(np.int64)
    rank = np.empty(lengths.size, dtype=np.int64)
    rank[order] = np.arange(lengths.size, dtype=np.int64)
    longest = int(lengths.max()) if lengths.size else 0
    histogram = np.bincount(lengths, minlength=longest + 1)
    active = lengths.size - np.cumsum(histogram)[:longest]
    offsets = np.zeros(longest + 1, dtype=np.int64)
    np.cumsum(active, out=offsets[1:])
    return offsets, order, rank


def slots_in_chunks(
    starts: IntArray, offsets: IntArray, rank: IntArray, height: int, rows: int = 1 << 20
) -> Iterator[tuple[int, int, IntArray]]:
    """Packed slots of rows ``[lo, hi)``, a million rows at a time (bounded temporaries).

    ``slot(row) = offsets[row - start(group)] + rank(group)``.
    """
    ends = np.append(starts[1:], height)
    for lo in range(0, height, rows):
        hi = min(lo + rows, height)
        first = int(np.searchsorted(starts, lo, side="right")) - 1
        last = int(np.searchsorted(starts, hi - 1, side="right"))
        groups = np.arange(first, last, dtype=np.int64)
        inside = np.minimum(ends[first:last], hi) - np.maximum(starts[first:last], lo)
        group = np.repeat(groups, inside)
        row = np.arange(lo, hi, dtype=np.int64)
        row -= starts[group]
        yield lo, hi, offsets[row] + rank[group]
