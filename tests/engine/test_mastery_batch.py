"""The batch form equals the one-sequence form; incremental state equals batch."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masterypath.engine import mastery
from masterypath.engine.bkt import BktParams
from masterypath.engine.mastery import MasteryConfig, Scale
from masterypath.engine.mastery.batch import _decaying_batch

SCORES = st.lists(
    st.sampled_from([0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]), min_size=1, max_size=12
)
KINDS = ["summative", "formative", "project"]
CONFIG_KW = {
    "n": 2,
    "k": 3,
    "scale": Scale(0.0, 4.0, 3.0),
    "kind_weights": {"formative": 0.0, "project": 2.0},
    "dok_weights": {3: 1.5},
}


def _frame(groups: list[list[float]], rng: np.random.Generator) -> pl.DataFrame:
    rows = []
    for g, scores in enumerate(groups):
        times = rng.permutation(len(scores))  # rows arrive shuffled; time decides the order
        for i, score in enumerate(scores):
            rows.append(
                {
                    "student_id": g % 3,
                    "target_id": f"t{g}",
                    "observed_at": int(times[i]),
                    "score": score,
                    "kind": KINDS[int(rng.integers(3))],
                    "dok": int(rng.integers(1, 4)),
                }
            )
    return pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=1)


@pytest.mark.parametrize("method", mastery.METHODS)
@settings(max_examples=15)
@given(groups=st.lists(SCORES, min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_batch_equals_calculate_for_every_group(
    method: str, groups: list[list[float]], seed: int
) -> None:
    """estimate() gives, per (student, target), what calculate() gives on its sequence."""
    frame = _frame(groups, np.random.default_rng(seed))
    config = MasteryConfig(method=method, **CONFIG_KW)
    result = mastery.estimate(frame, config=config)
    assert result.height == len({(r["student_id"], r["target_id"]) for r in frame.to_dicts()})
    for row in result.to_dicts():
        rows = frame.filter(
            (pl.col("student_id") == row["student_id"]) & (pl.col("target_id") == row["target_id"])
        ).sort("observed_at")
        expected = mastery.calculate(
            method,
            rows["score"].to_list(),
            kinds=rows["kind"].to_list(),
            doks=rows["dok"].to_list(),
            config=config,
        )
        if expected is None:
            assert row["value"] is None
        else:
            assert row["value"] == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("method", sorted(mastery.RECURSIVE_METHODS))
@given(
    scores=SCORES, weights=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=12, max_size=12)
)
def test_incremental_state_equals_batch(
    method: str, scores: list[float], weights: list[float]
) -> None:
    """Folding update() over the evidence gives calculate()'s value, within the scale."""
    config = MasteryConfig(
        method=method, scale=Scale(0.0, 4.0, 3.0), bkt=BktParams(0.2, 0.15, 0.2, 0.1, 0.05)
    )
    v = weights[: len(scores)]
    state = mastery.initial_state(method)
    for score, weight in zip(scores, v, strict=True):
        state = mastery.update(state, score, config=config, evidence_weight=weight)
    expected = mastery.calculate(method, scores, evidence_weights=v, config=config)
    got = mastery.state_value(state, config=config)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
        low, high = (0.0, 1.0) if method == "bkt" else (0.0, 4.0)
        assert low <= got <= high


@pytest.mark.parametrize("method", mastery.METHODS)
@given(scores=SCORES, seed=st.integers(0, 2**16))
def test_results_stay_within_the_scale(method: str, scores: list[float], seed: int) -> None:
    """Every value lies on the scale (BKT: a probability)."""
    del seed
    value = mastery.calculate(method, scores, n=1, scale=Scale(0.0, 4.0, 3.0))
    if value is None:  # n-mastery without a proficient score
        assert method == "n_mastery"
        return
    low, high = (0.0, 1.0) if method == "bkt" else (0.0, 4.0)
    assert low <= value <= high


@pytest.mark.parametrize("method", sorted(mastery.ORDER_INVARIANT_METHODS))
@given(scores=SCORES, seed=st.integers(0, 2**16))
def test_order_does_not_matter_where_the_method_says_so(
    method: str, scores: list[float], seed: int
) -> None:
    """Mean, highest, median and n-mastery ignore the order of the evidence."""
    shuffled = list(np.random.default_rng(seed).permutation(scores))
    kw = {"n": 1, "scale": Scale(0.0, 4.0, 3.0)}
    first = mastery.calculate(method, scores, **kw)
    second = mastery.calculate(method, shuffled, **kw)
    assert (first is None and second is None) or first == pytest.approx(second)


def test_order_matters_for_recency_methods() -> None:
    """Decaying average, most recent and power law respond to the order."""
    for method in ("decaying_average", "most_recent", "weighted_average", "power_law"):
        assert mastery.calculate(method, [1, 4]) != mastery.calculate(method, [4, 1])


def test_batch_overrides_win_until_newer_evidence() -> None:
    """An override stands for groups without newer evidence, also groups without evidence."""
    frame = pl.DataFrame(
        {
            "student_id": [1, 1, 2],
            "target_id": ["a", "a", "a"],
            "observed_at": [1, 5, 1],
            "score": [2.0, 3.0, 2.0],
        }
    )
    overrides = pl.DataFrame(
        {
            "student_id": [1, 2, 3],
            "target_id": ["a", "a", "a"],
            "value": [4.0, 4.0, 1.0],
            "set_at": [3, 3, 3],
        }
    )
    result = mastery.estimate(frame, config=MasteryConfig(method="mean"), overrides=overrides)
    by_student = {row["student_id"]: row for row in result.to_dicts()}
    assert by_student[1]["value"] == pytest.approx(2.5)
    assert by_student[1]["status"] == "estimated"
    assert by_student[2]["value"] == 4.0
    assert by_student[2]["status"] == "override"
    assert by_student[3]["value"] == 1.0
    assert by_student[3]["n_evidence"] == 0


def test_batch_min_evidence_and_bkt_next_attempt() -> None:
    """Groups below min_evidence get null; bkt adds P(correct) on the next attempt."""
    frame = pl.DataFrame(
        {
            "student_id": [1, 1, 2],
            "target_id": ["a", "a", "a"],
            "observed_at": [1, 2, 1],
            "score": [4.0, 1.0, 4.0],
        }
    )
    result = mastery.estimate(frame, config=MasteryConfig(method="bkt", min_evidence=2))
    rows = {row["student_id"]: row for row in result.to_dicts()}
    assert rows[2]["value"] is None
    assert rows[2]["status"] == "insufficient_evidence"
    assert 0.0 < rows[1]["value"] < 1.0
    assert 0.0 < rows[1]["p_correct_next"] < 1.0


def test_decaying_average_closed_form_over_blocks_and_long_sequences() -> None:
    """Blocks of whole groups and 5,000-row sequences (powers underflow) match the recursion."""
    rng = np.random.default_rng(0)
    lengths = np.array([1, 7, 5000, 3, 12, 1, 40])
    x = rng.choice([1.0, 2.0, 3.0, 4.0], size=int(lengths.sum()))
    v = rng.choice([0.5, 1.0, 2.0], size=x.size)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    ends = starts + lengths
    got = _decaying_batch(x, v, starts, ends, 0.99, block_rows=5)
    for g, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        state = mastery.initial_state("decaying_average")
        config = MasteryConfig(method="decaying_average", weight=0.99)
        for score, weight in zip(x[lo:hi], v[lo:hi], strict=True):
            state = mastery.update(state, score, config=config, evidence_weight=weight)
        assert got[g] == pytest.approx(state.value, rel=1e-9)


@pytest.mark.parametrize("method", mastery.METHODS)
@settings(max_examples=10)
@given(groups=st.lists(SCORES, min_size=1, max_size=4), seed=st.integers(0, 2**16))
def test_running_values_equal_calculate_on_every_prefix(
    method: str, groups: list[list[float]], seed: int
) -> None:
    """value_after of row i is calculate() on the group's rows up to i; value_before shifts it."""
    frame = _frame(groups, np.random.default_rng(seed))
    config = MasteryConfig(method=method, **CONFIG_KW)
    result = mastery.running_values(frame, config=config)
    counted = frame.filter(pl.col("kind") != "formative")
    assert result.height == counted.height
    previous_key, previous_value = None, None
    for row in result.to_dicts():
        rows = frame.filter(
            (pl.col("student_id") == row["student_id"])
            & (pl.col("target_id") == row["target_id"])
            & (pl.col("observed_at") <= row["observed_at"])
        ).sort("observed_at")
        expected = mastery.calculate(
            method,
            rows["score"].to_list(),
            kinds=rows["kind"].to_list(),
            doks=rows["dok"].to_list(),
            config=config,
            min_evidence=1,
        )
        if expected is None:
            assert row["value_after"] is None
        else:
            assert row["value_after"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
        key = (row["student_id"], row["target_id"])
        if key == previous_key:
            assert row["value_before"] == (
                pytest.approx(previous_value) if previous_value is not None else None
            )
        else:
            assert row["value_before"] is None
        previous_key, previous_value = key, row["value_after"]
