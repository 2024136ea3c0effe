"""Bayesian knowledge tracing: filter by hand, vectorised equals scalar, EM recovers truth."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from masterypath.engine import bkt, metrics
from masterypath.engine.bkt import BktBounds, BktParams


def _simulate(params: BktParams, students: int, attempts: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    knows = rng.random(students) < params.prior
    rows = []
    for t in range(attempts):
        p = np.where(knows, 1 - params.slip, params.guess)
        correct = rng.random(students) < p
        rows.append(
            pl.DataFrame(
                {
                    "student_id": np.arange(students),
                    "skill_id": "s",
                    "correct": correct,
                    "order": np.full(students, t),
                }
            )
        )
        knows = knows | (rng.random(students) < params.learn)
    return pl.concat(rows)


def test_filter_by_hand() -> None:
    """P(correct) .41 first; after a correct answer P(L) = .27/.41."""
    params = BktParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    p_correct, p_mastery = bkt.bkt_filter([True, False], params)
    assert p_correct[0] == pytest.approx(0.41)
    assert p_mastery[0] == pytest.approx(0.27 / 0.41)
    p_next = 0.27 / 0.41 + (1 - 0.27 / 0.41) * 0.1
    assert p_correct[1] == pytest.approx(p_next * 0.9 + (1 - p_next) * 0.2)


def test_vectorised_forward_equals_scalar_filter() -> None:
    """bkt_forward over ragged sequences and two skills equals the one-sequence filter."""
    rng = np.random.default_rng(3)
    lengths = rng.integers(1, 30, 50)
    index = rng.integers(0, 2, 50)
    obs = rng.random(int(lengths.sum())) < 0.6
    params = [BktParams(0.2, 0.1, 0.25, 0.1, 0.0), BktParams(0.5, 0.3, 0.1, 0.2, 0.05)]
    p_correct, p_mastery = bkt.bkt_forward(obs, lengths, params, index)
    start = 0
    for length, k in zip(lengths.tolist(), index.tolist(), strict=True):
        expected_c, expected_m = bkt.bkt_filter(obs[start : start + length], params[k])
        np.testing.assert_allclose(p_correct[start : start + length], expected_c, rtol=1e-12)
        np.testing.assert_allclose(p_mastery[start : start + length], expected_m, rtol=1e-12)
        start += length


def test_em_recovers_the_generating_parameters() -> None:
    """2,000 simulated students x 20 attempts: parameters within 0.03 of the truth."""
    truth = BktParams(prior=0.25, learn=0.15, guess=0.2, slip=0.1)
    frame = _simulate(truth, 2000, 20, seed=1)
    model = bkt.bkt_fit(frame, order="order", seed=0, sample=500)
    fitted = model.params_for("s")
    for name in ("prior", "learn", "guess", "slip"):
        assert getattr(fitted, name) == pytest.approx(getattr(truth, name), abs=0.03)
    predicted = bkt.bkt_predict(frame, model, order="order")
    assert metrics.auc(predicted["correct"], predicted["p_correct"]) > 0.7


def test_fit_is_deterministic_bounded_and_defaults_thin_skills() -> None:
    """Same seed, same result; guess and slip within bounds; thin skills keep defaults."""
    frame = _simulate(BktParams(0.3, 0.2, 0.35, 0.3), 300, 10, seed=2)
    thin = pl.DataFrame(
        {
            "student_id": [0, 0],
            "skill_id": ["thin", "thin"],
            "correct": [True, False],
            "order": [0, 1],
        }
    )
    frame = pl.concat([frame, thin.with_columns(pl.col("order").cast(frame["order"].dtype))])
    bounds = BktBounds(guess_max=0.3, slip_max=0.25)
    first = bkt.bkt_fit(frame, order="order", seed=7, bounds=bounds)
    second = bkt.bkt_fit(frame, order="order", seed=7, bounds=bounds)
    assert first.params_for("s") == second.params_for("s")
    assert first.params_for("s").guess <= 0.3
    assert first.params_for("s").slip <= 0.25
    assert first.skills["thin"].is_default
    assert first.params_for("unknown") == bkt.DEFAULT_BKT_PARAMS


def test_forgetting_is_fitted_when_asked() -> None:
    """With forgets=True a forget probability is estimated (and bounded)."""
    frame = _simulate(BktParams(0.3, 0.2, 0.2, 0.1), 500, 15, seed=4)
    model = bkt.bkt_fit(frame, order="order", forgets=True, seed=0)
    assert 0.0 <= model.params_for("s").forget <= 0.3
    assert model.params_for("s").learn > 0.05


def test_predict_keeps_row_order_and_unknown_order_column() -> None:
    """Shuffled input comes back in its own row order with predictions."""
    frame = _simulate(BktParams(0.3, 0.2, 0.2, 0.1), 50, 5, seed=5).sample(
        fraction=1.0, shuffle=True, seed=3
    )
    model = bkt.BktModel()
    out = bkt.bkt_predict(frame, model, order="order")
    assert out["order"].to_list() == frame["order"].to_list()
    first = out.filter(pl.col("order") == 0)
    assert first["p_correct"].to_numpy() == pytest.approx(0.3 * 0.9 + 0.7 * 0.2)


def test_final_state_equals_last_row_of_the_forward_filter() -> None:
    """bkt_final keeps exactly the forward filter's last posterior and next-step prediction."""
    rng = np.random.default_rng(8)
    lengths = rng.integers(1, 25, 40)
    index = rng.integers(0, 2, 40)
    obs = rng.random(int(lengths.sum())) < 0.5
    params = [BktParams(0.2, 0.1, 0.25, 0.1, 0.0), BktParams(0.5, 0.3, 0.1, 0.2, 0.05)]
    _, p_mastery = bkt.bkt_forward(obs, lengths, params, index)
    final, p_next = bkt.bkt_final(obs, lengths, params, index)
    last = np.cumsum(lengths) - 1
    np.testing.assert_allclose(final, p_mastery[last], rtol=1e-12)
    for g, k in enumerate(index.tolist()):
        expected = bkt.bkt_p_correct(bkt.bkt_transition(final[g], params[k]), params[k])
        assert p_next[g] == pytest.approx(expected)


def test_a_long_run_of_correct_answers_does_not_freeze_mastery() -> None:
    """Without forgetting, 100 correct answers make P(not learned) about 1e-57: far below what
    1 - P(learned) can hold. Carried exactly, 40 wrong answers in a row bring it back, as the
    model says they must; every implementation agrees."""
    params = BktParams(prior=0.3, learn=0.1, guess=0.3, slip=0.01)
    obs = np.array([True] * 100 + [False] * 40)
    _, scalar = bkt.bkt_filter(obs, params)
    assert scalar[99] == pytest.approx(1.0)
    assert scalar[-1] < 0.01
    _, vectorised = bkt.bkt_forward(obs, [obs.size], params)
    np.testing.assert_allclose(vectorised, scalar, rtol=1e-9, atol=1e-12)
    final, _ = bkt.bkt_final(obs, [obs.size], params)
    assert final[0] == pytest.approx(scalar[-1], rel=1e-9)
    # the incremental state (P(not learned) kept apart) folds to the same value
    unlearned = None
    for observed in obs.tolist():
        value, unlearned = bkt.bkt_step(unlearned, observed, params)
    assert value == pytest.approx(scalar[-1], rel=1e-9)
