"""Matched effect estimates: known effects are recovered, null effects cover zero, selection
bias that fools a naive comparison is removed, results are deterministic per seed."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from masterypath.engine.effects import (
    EffectEstimate,
    EffectInputError,
    matched_effect,
    matched_effect_by_group,
)


def _students(
    *,
    n: int,
    effect: float,
    seed: int,
    selection: float = 0.0,
    noise: float = 0.3,
    el_effect: float | None = None,
) -> pl.DataFrame:
    """Synthetic students: growth depends on prior placement relative to grade and on pace
    before; ``selection`` > 0 makes students who are behind and slow likelier to be treated."""
    rng = np.random.default_rng(seed)
    grade = rng.integers(3, 6, n)
    domain = rng.integers(1, 3, n)
    gap = rng.normal(-0.8, 1.0, n)
    prior = grade + gap
    pace = rng.normal(0.9, 0.3, n)
    el = rng.random(n) < 0.3
    score = -selection * (gap + 2.0 * (pace - 0.9))
    treated = rng.random(n) < 1.0 / (1.0 + np.exp(-(score - 1.0)))
    per_student = np.full(n, effect)
    if el_effect is not None:
        per_student = np.where(el, el_effect, effect)
    growth = 0.2 + 0.8 * pace + 0.15 * gap + per_student * treated + rng.normal(0, noise, n)
    return pl.DataFrame(
        {
            "student_id": np.arange(n),
            "grade": grade,
            "domain": domain,
            "prior": prior,
            "pace": pace,
            "english_learner": np.where(el, "yes", "no"),
            "treated": treated,
            "growth": growth,
        }
    )


def _estimate(frame: pl.DataFrame, **kwargs: object) -> EffectEstimate:
    return matched_effect(
        frame,
        outcome="growth",
        treated="treated",
        exact=("grade", "domain"),
        nearest=("prior", "pace"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_known_effect_is_recovered_within_its_interval() -> None:
    """With a true effect of half a level, the interval covers 0.5 and excludes zero."""
    est = _estimate(_students(n=1200, effect=0.5, seed=1), seed=7)
    assert not est.suppressed
    assert est.low is not None
    assert est.high is not None
    assert est.effect is not None
    assert est.low <= 0.5 <= est.high
    assert est.low > 0
    assert est.effect == pytest.approx(0.5, abs=0.1)


def test_no_effect_gives_an_interval_that_covers_zero() -> None:
    """When the strategy does nothing, the interval includes zero."""
    est = _estimate(_students(n=1200, effect=0.0, seed=2, selection=1.0), seed=7)
    assert est.low is not None
    assert est.high is not None
    assert est.low <= 0.0 <= est.high


def test_selection_bias_fools_the_naive_comparison_but_not_matching() -> None:
    """Students picked because they are behind and slow grow less anyway: the naive
    difference says the strategy harms, matching recovers the true positive effect."""
    est = _estimate(_students(n=1500, effect=0.3, seed=3, selection=2.0), seed=11)
    assert est.naive_difference is not None
    assert est.low is not None
    assert est.high is not None
    assert est.naive_difference < 0
    assert est.low <= 0.3 <= est.high
    assert est.low > 0


def test_the_same_seed_gives_the_same_estimate() -> None:
    """Determinism: the same frame and seed give the same numbers; another seed changes only
    the interval, never the point estimate."""
    frame = _students(n=600, effect=0.4, seed=4)
    first, second = _estimate(frame, seed=5), _estimate(frame, seed=5)
    other = _estimate(frame, seed=6)
    assert first == second
    assert other.effect == first.effect
    assert (other.low, other.high) != (first.low, first.high)


def test_the_interval_covers_the_truth_in_most_repetitions() -> None:
    """A 90% interval covers the true effect in roughly 90% of 40 simulated districts."""
    covered = 0
    for rep in range(40):
        est = _estimate(
            _students(n=500, effect=0.25, seed=100 + rep, selection=1.0),
            seed=rep,
            n_boot=400,
            level=0.9,
        )
        assert est.low is not None
        assert est.high is not None
        covered += est.low <= 0.25 <= est.high
    assert 31 <= covered <= 40


def test_hand_computed_pairs_without_bias_correction() -> None:
    """Each treated student is compared with the nearest control of the same grade."""
    frame = pl.DataFrame(
        {
            "grade": [3, 3, 3, 4, 4, 4],
            "prior": [1.0, 2.0, 1.1, 5.0, 5.2, 9.0],
            "treated": [True, True, False, True, False, False],
            "growth": [1.0, 1.4, 0.5, 2.0, 1.0, 7.0],
        }
    )
    est = matched_effect(
        frame,
        outcome="growth",
        treated="treated",
        exact=("grade",),
        nearest=("prior",),
        seed=0,
        min_group=1,
        bias_correction=False,
    )
    # Pairs: (1.0 - 0.5), (1.4 - 0.5), (2.0 - 1.0): mean 0.8.
    assert est.effect == pytest.approx(0.8)
    assert est.n_treated == 3
    assert est.n_controls == 2
    assert est.naive_difference == pytest.approx((1.0 + 1.4 + 2.0) / 3 - (0.5 + 1.0 + 7.0) / 3)


def test_bias_correction_removes_the_gap_between_imperfect_matches() -> None:
    """Controls that are all a little ahead: the slope of growth on prior placement among
    controls corrects the pair differences exactly when growth is linear in it."""
    prior_t = np.arange(20) * 2.0
    prior_c = prior_t + 0.5
    frame = pl.DataFrame(
        {
            "prior": np.concatenate([prior_t, prior_c]),
            "treated": [True] * 20 + [False] * 20,
            "growth": np.concatenate([1.0 + 0.4 * prior_t + 0.3, 1.0 + 0.4 * prior_c]),
        }
    )
    kwargs = {"outcome": "growth", "treated": "treated", "nearest": ("prior",), "seed": 0}
    raw = matched_effect(frame, bias_correction=False, **kwargs)  # type: ignore[arg-type]
    corrected = matched_effect(frame, **kwargs)  # type: ignore[arg-type]
    assert raw.effect == pytest.approx(0.3 - 0.4 * 0.5)
    assert corrected.effect == pytest.approx(0.3)


def test_treated_students_without_a_control_in_their_cell_are_left_out() -> None:
    """Exact matching: a grade with no comparison student contributes nothing."""
    frame = _students(n=800, effect=0.5, seed=8)
    frame = frame.filter(~((pl.col("grade") == 5) & ~pl.col("treated")))
    est = _estimate(frame, seed=1)
    grade5_treated = frame.filter((pl.col("grade") == 5) & pl.col("treated")).height
    assert grade5_treated > 0
    assert est.n_unmatched == grade5_treated


def test_a_caliper_leaves_out_treated_students_with_no_close_match() -> None:
    """A treated student far from every control is dropped when a caliper is set."""
    frame = pl.DataFrame(
        {
            "prior": [float(v) for v in range(12)] + [100.0] + [v + 0.1 for v in range(12)],
            "treated": [True] * 13 + [False] * 12,
            "growth": [1.0] * 13 + [0.5] * 12,
        }
    )
    kwargs = {"outcome": "growth", "treated": "treated", "nearest": ("prior",), "seed": 0}
    loose = matched_effect(frame, **kwargs)  # type: ignore[arg-type]
    tight = matched_effect(frame, caliper=0.5, **kwargs)  # type: ignore[arg-type]
    assert loose.n_unmatched == 0
    assert tight.n_unmatched == 1
    assert tight.n_treated == 12


def test_a_small_group_is_suppressed() -> None:
    """Fewer than ten matched treated students: no numbers, only the flag."""
    frame = _students(n=400, effect=0.5, seed=9)
    keep = frame.filter(pl.col("treated")).head(6)["student_id"]
    small = frame.filter(~pl.col("treated") | pl.col("student_id").is_in(keep.implode()))
    est = _estimate(small, seed=1)
    assert est.suppressed
    assert est.effect is None
    assert est.low is None
    assert est.high is None
    assert est.naive_difference is None
    assert est.n_treated == 6


def test_by_group_finds_an_effect_in_one_group_only() -> None:
    """The strategy works for English learners (one level) and not for others (zero)."""
    frame = _students(n=2400, effect=0.0, el_effect=1.0, seed=10)
    result = matched_effect_by_group(
        frame,
        group="english_learner",
        outcome="growth",
        treated="treated",
        exact=("grade", "domain"),
        nearest=("prior", "pace"),
        seed=3,
    )
    assert list(result) == ["no", "yes"]
    yes, no = result["yes"], result["no"]
    assert yes.low is not None
    assert yes.high is not None
    assert no.low is not None
    assert no.high is not None
    assert yes.low <= 1.0 <= yes.high
    assert no.low <= 0.0 <= no.high
    assert yes.low > no.high


def test_by_group_suppresses_a_group_below_the_threshold() -> None:
    """A group with eight treated students is suppressed; the others are shown."""
    frame = _students(n=600, effect=0.5, seed=12)
    chosen = frame.filter(pl.col("treated")).head(8)["student_id"].implode()
    frame = frame.with_columns(
        pl.when(pl.col("student_id").is_in(chosen))
        .then(pl.lit("small"))
        .otherwise(pl.lit("large"))
        .alias("group")
    )
    small_treated = frame.filter(pl.col("group") == "small").height
    assert small_treated == 8
    # Give the small group comparison students so that only the treated count is short.
    extra = frame.filter(~pl.col("treated")).head(30).with_columns(pl.lit("small").alias("group"))
    result = matched_effect_by_group(
        pl.concat([frame, extra]),
        group="group",
        outcome="growth",
        treated="treated",
        nearest=("prior", "pace"),
        seed=1,
    )
    assert result["small"].suppressed
    assert not result["large"].suppressed


def test_a_missing_column_is_a_clear_error() -> None:
    """Naming a column the frame lacks says which column."""
    frame = _students(n=50, effect=0.0, seed=13)
    with pytest.raises(EffectInputError, match="pace_before"):
        matched_effect(frame, outcome="growth", treated="treated", nearest=("pace_before",), seed=0)


def test_rows_with_missing_values_are_left_out() -> None:
    """A student without a prior placement is not matched and not used as a match."""
    frame = _students(n=300, effect=0.5, seed=14)
    with_null = frame.with_columns(
        pl.when(pl.col("student_id") == 0).then(None).otherwise(pl.col("prior")).alias("prior")
    )
    est = _estimate(with_null, seed=0)
    full = _estimate(frame.filter(pl.col("student_id") != 0), seed=0)
    assert est == full


def test_wilson_interval_matches_a_hand_computed_value() -> None:
    """7 of 20 at 95%: Wilson gives 0.181 to 0.567 (Brown, Cai and DasGupta's formula)."""
    from masterypath.engine.effects import wilson_interval

    result = wilson_interval(7, 20)
    assert result.share == pytest.approx(0.35)
    assert result.low == pytest.approx(0.1812, abs=1e-3)
    assert result.high == pytest.approx(0.5671, abs=1e-3)


def test_wilson_interval_stays_inside_zero_and_one_and_suppresses_small_groups() -> None:
    """All successes: the high end is 1 and the low end below it; under ten: suppressed."""
    from masterypath.engine.effects import wilson_interval

    full = wilson_interval(12, 12)
    assert full.high == pytest.approx(1.0)
    assert full.low is not None
    assert 0.7 < full.low < 1.0
    small = wilson_interval(3, 9)
    assert small.suppressed
    assert small.share is None
