"""Array layouts shared by the vectorised methods (private).

Rows arrive sorted by group (a (student, target) pair, or a (skill, student) sequence) and then
by time. Two layouts make per-group recursions cheap in numpy:

* *segments*: the start offset of every group in the row order, for ``np.add.reduceat`` and
  friends (closed forms such as the decaying average's weights).
* *packed* (time-major, ragged, no padding): the sequences of one block (a skill) are ranked
  longest first, so at step ``t`` the sequences still running are a prefix ``[0, n_t)`` of the
  columns and their ``t``-th rows are one contiguous slice. A recursion over all sequences then
  costs one short loop over ``t`` with whole-slice numpy operations, and memory equals the
  number of rows. (PyTorch calls the same idea ``pack_padded_sequence``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def group_starts(frame: pl.DataFrame, keys: list[str]) -> IntArray:
    """Offsets where a new group begins in ``frame``, which is sorted by ``keys``.

    The result starts with 0 and has one entry per group; an empty frame has none.
    """
    height = frame.height
    if height == 0:
        return np.zeros(0, dtype=np.int64)
    changed = np.zeros(height, dtype=bool)
    changed[0] = True
    for key in keys:
        column = frame.get_column(key)
        if column.dtype.is_integer() or column.dtype.is_float():
            values = column.to_numpy()
            np.logical_or(changed[1:], values[1:] != values[:-1], out=changed[1:])
        else:
            ids = column.rle_id().to_numpy()
            np.logical_or(changed[1:], ids[1:] != ids[:-1], out=changed[1:])
    return np.flatnonzero(changed).astype(np.int64)


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
) -> tuple[IntArray, IntArray, list[IntArray]]:
    """Stable permutation that sorts rows by ``keys`` (then ``order``), with group starts.

    Returns ``(permutation, group starts in sorted order, codes of each key per group)``. When
    ``order`` is None or already non-decreasing, the input order is kept inside each group.
    """
    height = keys[0].len()
    combined = np.zeros(height, dtype=np.int64)
    sizes: list[int] = []
    codes_per_key: list[IntArray] = []
    for key in keys:
        codes, size = dense_codes(key)
        codes_per_key.append(codes)
        sizes.append(size)
        combined *= size
        combined += codes
    if order is not None and not order.is_sorted():
        by_time = order.arg_sort().to_numpy().astype(np.int64)
        permutation = by_time[np.argsort(combined[by_time], kind="stable")]
    else:
        permutation = np.argsort(combined, kind="stable").astype(np.int64)
    sorted_key = combined[permutation]
    if height == 0:
        return permutation, np.zeros(0, dtype=np.int64), [np.zeros(0, np.int64) for _ in keys]
    changed = np.empty(height, dtype=bool)
    changed[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=changed[1:])
    starts = np.flatnonzero(changed).astype(np.int64)
    group_codes = [codes[permutation[starts]] for codes in codes_per_key]
    return permutation, starts, group_codes


def group_index(starts: IntArray, height: int) -> IntArray:
    """Group number of every row, given the group start offsets."""
    lengths = np.diff(np.append(starts, height))
    return np.repeat(np.arange(starts.size, dtype=np.int64), lengths)


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


@dataclass(frozen=True, slots=True)
class Packed:
    """Packed layout of many sequences in blocks; ``slot[row]`` is the packed slot of a row."""

    blocks: tuple[PackedBlock, ...]
    slot: IntArray


def pack(starts: IntArray, height: int, block_of_group: IntArray, n_blocks: int) -> Packed:
    """Build the packed layout for rows sorted by (block, group, time).

    ``starts`` are the group start offsets and ``block_of_group`` the block of every group; groups
    of one block must be contiguous.
    """
    lengths = np.diff(np.append(starts, height)).astype(np.int64)
    n_groups = lengths.size
    if n_blocks == 1:
        return _pack_one(starts, lengths, height)
    blocks: list[PackedBlock] = []
    rank = np.empty(n_groups, dtype=np.int64)
    step_base: list[IntArray] = []
    block_bounds = np.searchsorted(block_of_group, np.arange(n_blocks + 1), side="left")
    slot_start = 0
    for block in range(n_blocks):
        lo, hi = int(block_bounds[block]), int(block_bounds[block + 1])
        block_lengths = lengths[lo:hi]
        order = np.argsort(-block_lengths, kind="stable")
        rank[lo + order] = np.arange(hi - lo, dtype=np.int64)
        longest = int(block_lengths.max()) if hi > lo else 0
        # active[t] = number of sequences longer than t
        histogram = np.bincount(block_lengths, minlength=longest + 1)
        active = (hi - lo) - np.cumsum(histogram)[:longest]
        offsets = np.zeros(longest + 1, dtype=np.int64)
        np.cumsum(active, out=offsets[1:])
        blocks.append(PackedBlock(start=slot_start, offsets=offsets, columns=lo + order))
        step_base.append(slot_start + offsets[:-1])
        slot_start += int(offsets[-1])
    # slot(row) = block start + offsets[t] + rank(group)
    group = group_index(starts, height)
    position = np.arange(height, dtype=np.int64) - starts[group]
    base_of_group = np.empty(n_groups, dtype=np.int64)
    max_steps = max((base.size for base in step_base), default=0)
    table = np.zeros((n_blocks, max(max_steps, 1)), dtype=np.int64)
    for block, base in enumerate(step_base):
        table[block, : base.size] = base
    base_of_group[:] = block_of_group
    slot = table[base_of_group[group], position] + rank[group]
    return Packed(blocks=tuple(blocks), slot=slot)


def _pack_one(starts: IntArray, lengths: IntArray, height: int) -> Packed:
    order = np.argsort(-lengths, kind="stable")
    rank = np.empty(lengths.size, dtype=np.int64)
    rank[order] = np.arange(lengths.size, dtype=np.int64)
    longest = int(lengths.max()) if lengths.size else 0
    histogram = np.bincount(lengths, minlength=longest + 1)
    active = lengths.size - np.cumsum(histogram)[:longest]
    offsets = np.zeros(longest + 1, dtype=np.int64)
    np.cumsum(active, out=offsets[1:])
    # slot(row) = offsets[position in its group] + rank of its group
    group = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    slot = np.arange(height, dtype=np.int64)
    slot -= starts[group]
    slot = offsets[slot]
    slot += rank[group]
    return Packed(blocks=(PackedBlock(0, offsets, order.astype(np.int64)),), slot=slot)
