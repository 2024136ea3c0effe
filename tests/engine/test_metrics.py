"""AUC, RMSE and log loss against hand-computed values."""

import math

import pytest

from masterypath.engine import metrics


@pytest.mark.parametrize(
    ("y", "p", "expected"),
    [
        ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75),
        ([0, 1], [0.5, 0.5], 0.5),
        ([1, 0, 1], [0.9, 0.1, 0.8], 1.0),
    ],
)
def test_auc(y: list[int], p: list[float], expected: float) -> None:
    """Rank-sum AUC with ties averaged."""
    assert metrics.auc(y, p) == pytest.approx(expected)


def test_rmse_and_log_loss() -> None:
    """Two predictions of 0.5: RMSE 0.5, log loss ln 2."""
    assert metrics.rmse([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert metrics.log_loss([0, 1], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert math.isnan(metrics.auc([1, 1], [0.2, 0.3]))
