"""The method report's engine: which outcomes are predicted, from which history."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from masterypath.engine.evaluation import MethodScore, compare_methods, ranked

DAY = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def _frame(sequences: dict[tuple[object, object], list[float]]) -> pl.DataFrame:
    rows = [
        {
            "student_id": student,
            "target_id": target,
            "observed_at": DAY + dt.timedelta(days=i),
            "score": float(score),
        }
        for (student, target), scores in sequences.items()
        for i, score in enumerate(scores)
    ]
    # input order must not matter: newest first
    return pl.DataFrame(rows).reverse()


def _by_method(frame: pl.DataFrame, **options: object) -> dict[str, object]:
    return {score.method: score for score in compare_methods(frame, **options)}  # type: ignore[arg-type]


def test_every_row_after_the_first_is_predicted_from_the_rows_before_it() -> None:
    # outcomes 4, 4, 1, 1 after a first score of 1; and 1 after a first 4
    frame = _frame({(1, 10): [1, 4, 4, 1, 1], (2, 10): [4, 1]})
    scores = _by_method(frame, methods=["most_recent", "mean", "median"])
    recent = scores["most_recent"]
    # most recent predicts 1, 4, 4, 1 and 4: errors 3, 0, 3, 0 and 3
    assert recent.n_predictions == 5
    assert recent.rmse == pytest.approx(math.sqrt(27 / 5))
    # mean predicts 1, 2.5, 3, 2.5 and 4: errors 3, 1.5, 2, 1.5, 3
    assert scores["mean"].rmse == pytest.approx(math.sqrt((9 + 2.25 + 4 + 2.25 + 9) / 5))
    # median predicts 1, 2.5, 4, 2.5 and 4
    assert scores["median"].rmse == pytest.approx(math.sqrt((9 + 2.25 + 9 + 2.25 + 9) / 5))
    # proficient outcomes (4, 4) got most-recent predictions 1 and 4; the others 4, 1, 4
    assert recent.auc == pytest.approx((0.5 + 1 + 0.5 + 0 + 0.5 + 0) / 6)


def test_methods_without_a_running_form_see_the_last_max_history_rows() -> None:
    frame = _frame({(1, 10): [1, 4, 4, 1, 1, 4], (2, 11): [2, 3, 4, 4]})
    one = _by_method(frame, methods=["median", "most_recent"], max_history=1)
    assert one["median"].rmse == pytest.approx(one["most_recent"].rmse)
    full = _by_method(frame, methods=["median"], max_history=12)
    assert full["median"].rmse != pytest.approx(one["median"].rmse)


def test_chunks_and_key_types_do_not_change_the_report() -> None:
    sequences = {
        (s, t): [1 + (s * 7 + t * 3 + i) % 4 for i in range(6)]
        for s in range(1, 6)
        for t in range(1, 4)
    }
    whole = compare_methods(_frame(sequences))
    chunked = compare_methods(_frame(sequences), chunk=3)
    named = compare_methods(
        _frame({(f"student-{s}", f"T{t}"): v for (s, t), v in sequences.items()})
    )
    assert [s.method for s in whole] == [s.method for s in chunked] == [s.method for s in named]
    for a, b, c in zip(whole, chunked, named, strict=True):
        assert a.auc == pytest.approx(b.auc) == pytest.approx(c.auc)
        assert a.n_predictions == b.n_predictions == c.n_predictions
        # n-mastery has a value only once n proficient scores are in
        assert a.n_predictions == 5 * 3 * 5 or a.method == "n_mastery"
    bkt = next(s for s in whole if s.method == "bkt")
    assert bkt.rmse is None
    assert 0.0 <= bkt.auc <= 1.0


def test_a_frame_of_single_scores_has_nothing_to_predict() -> None:
    assert compare_methods(_frame({(1, 10): [3], (2, 10): [1]})) == []


def test_ranking_puts_methods_that_predict_only_some_outcomes_last() -> None:
    scores = [
        MethodScore("n_mastery", 0.95, 0.5, 30),  # best AUC, but 3% of the outcomes
        MethodScore("mean", 0.70, 0.9, 1000),
        MethodScore("decaying_average", 0.80, 0.8, 1000),
        MethodScore("weighted_average", 0.7996, 0.7, 1000),  # same AUC shown, smaller error
        MethodScore("bkt", 0.75, None, 1000),
    ]
    assert [s.method for s in ranked(scores)] == [
        "weighted_average",
        "decaying_average",
        "bkt",
        "mean",
        "n_mastery",
    ]
