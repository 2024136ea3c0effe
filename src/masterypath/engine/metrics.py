"""Accuracy of next-response predictions: AUC, RMSE and log loss (numpy only)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def auc(observed: ArrayLike, predicted: ArrayLike) -> float:
    """Area under the ROC curve by the rank-sum (Mann-Whitney U) formula, ties averaged.

    ``AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg)`` with ``R_pos`` the sum of the
    positives' mid-ranks (Hanley & McNeil 1982). NaN when one class is missing.
    """
    y = np.asarray(observed, dtype=bool).reshape(-1)
    p = np.asarray(predicted, dtype=np.float64).reshape(-1)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    # mid-ranks of tied predictions
    boundaries = np.flatnonzero(np.diff(sorted_p)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [p.size]))
    mid_rank = (starts + ends + 1) / 2.0
    ranks = np.empty(p.size)
    ranks[order] = np.repeat(mid_rank, ends - starts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def rmse(observed: ArrayLike, predicted: ArrayLike) -> float:
    """Root mean squared error ``sqrt(mean((y - p)^2))``."""
    y = np.asarray(observed, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    return float(np.sqrt(np.mean((y - p) ** 2)))


def log_loss(observed: ArrayLike, predicted: ArrayLike, eps: float = 1e-7) -> float:
    """Mean negative log-likelihood ``-mean(y ln p + (1 - y) ln(1 - p))``, p clipped to eps."""
    y = np.asarray(observed, dtype=np.float64)
    p = np.clip(np.asarray(predicted, dtype=np.float64), eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))
