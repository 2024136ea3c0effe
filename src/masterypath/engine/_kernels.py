"""Compiled loops (numba) for the recursions numpy cannot vectorise well (private).

A per-group recursion such as the BKT forward filter is a plain loop here, compiled once per
process (and cached on disk beside this file, so later processes skip the compile). Each
kernel takes and returns numpy arrays only; the callers in ``_layout`` and ``bkt`` keep the
array contracts and the documentation of what is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

Kernel = TypeVar("Kernel", bound=Callable[..., Any])
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def _compiled(function: Kernel) -> Kernel:
    """``numba.njit`` with the on-disk cache, releasing the GIL (threads may share work).

    The cache goes to ``NUMBA_CACHE_DIR`` when set, else beside this file, else the user's
    cache folder; where none is writable (a read-only install without a home folder) the
    kernels compile once per process instead of failing to import.
    """
    try:
        return cast(Kernel, numba.njit(cache=True, nogil=True)(function))
    except RuntimeError:
        return cast(Kernel, numba.njit(nogil=True)(function))


@_compiled
def _runs_if_sorted(first: Any, second: Any, order: Any, has_order: bool) -> Any:
    height = first.size
    count = 1 if height else 0
    for i in range(1, height):
        if first[i] != first[i - 1]:
            if first[i] < first[i - 1]:
                return False, np.zeros(0, np.int64)
            count += 1
        elif second[i] != second[i - 1]:
            if second[i] < second[i - 1]:
                return False, np.zeros(0, np.int64)
            count += 1
        elif has_order and order[i] < order[i - 1]:
            return False, np.zeros(0, np.int64)
    starts = np.empty(count, np.int64)
    if height:
        starts[0] = 0
    k = 1
    for i in range(1, height):
        if first[i] != first[i - 1] or second[i] != second[i - 1]:
            starts[k] = i
            k += 1
    return True, starts


def runs_if_sorted(
    first: NDArray[Any], second: NDArray[Any], order: NDArray[Any] | None
) -> IntArray | None:
    """Group starts when rows are sorted by ``(first, second)`` and by ``order`` inside each
    group (one pass, no copy); None as soon as a row is out of order."""
    has_order = order is not None
    is_sorted, starts = _runs_if_sorted(
        first, second, order if order is not None else first[:0], has_order
    )
    return cast(IntArray, starts) if is_sorted else None


# The BKT filters carry u = P(not learned), not p = P(learned): after a long run of correct
# answers u is tiny (1e-30, say) but exact, while p = 1 - u would round to exactly 1.0 and,
# without forgetting, stay 1.0 whatever came next. The floor keeps u from underflowing to 0.
UNLEARNED_FLOOR = 1e-300


@_compiled
def _bkt_last_posterior(
    obs: Any,
    starts: Any,
    ends: Any,
    param: Any,
    prior: Any,
    lam_correct: Any,
    lam_wrong: Any,
    keep: Any,
    forget: Any,
    out: Any,
) -> None:
    for g in range(starts.size):
        k = param[g]
        u = max(1.0 - prior[k], UNLEARNED_FLOOR)
        q = 1.0 - u
        correct_ratio, wrong_ratio = lam_correct[k], lam_wrong[k]
        stay, lose = keep[k], forget[k]
        for row in range(starts[g], ends[g]):
            weighted = u * (correct_ratio if obs[row] else wrong_ratio)
            den = (1.0 - u) + weighted
            q = (1.0 - u) / den
            u = max(weighted / den * stay + lose, UNLEARNED_FLOOR)
        out[g] = q


def bkt_last_posterior(
    obs: NDArray[np.bool_],
    starts: IntArray,
    ends: IntArray,
    param: IntArray,
    prior: FloatArray,
    lam_correct: FloatArray,
    lam_wrong: FloatArray,
    keep: FloatArray,
    forget: FloatArray,
) -> FloatArray:
    """Posterior P(learned) after the last row of each sequence ``obs[starts[g]:ends[g]]``.

    Per parameter set: ``lam = e_U / e_L`` of a correct and a wrong response, ``keep = 1 -
    forget - learn``. With ``u`` = P(not learned) before a row: ``den = (1 - u) + u lam``,
    ``q = (1 - u) / den``, then ``u = (u lam / den) keep + forget``.
    """
    out = np.empty(starts.size)
    _bkt_last_posterior(obs, starts, ends, param, prior, lam_correct, lam_wrong, keep, forget, out)
    return out
