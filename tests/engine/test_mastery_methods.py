"""Hand-computed tables and published examples for every mastery method."""

from __future__ import annotations

import math

import pytest

from masterypath.engine import mastery
from masterypath.engine.bkt import BktParams
from masterypath.engine.mastery import MasteryConfig, Override, Scale, Status, calculate, explain


@pytest.mark.parametrize(
    ("method", "scores", "params", "expected"),
    [
        ("mean", [1, 2, 3, 4], {}, 2.5),
        ("highest", [1, 3, 2], {}, 3.0),
        ("most_recent", [1, 3, 2], {}, 2.0),
        ("median", [1, 3, 2], {}, 2.0),
        ("median", [1, 2, 3, 4], {}, 2.5),
        ("mode_of_last", [1, 2, 2, 3, 3], {"k": 3}, 3.0),
        ("mode_of_last", [3, 3, 2, 2, 1], {"k": 3}, 2.0),
        ("mode_of_last", [1, 2, 3], {"k": 3}, 3.0),  # three-way tie: the higher score
        ("weighted_average", [1, 2, 3, 4], {}, 0.65 * 4 + 0.35 * 2),
        ("weighted_average", [2], {}, 2.0),
        ("decaying_average", [1, 2, 3, 4], {}, 3.484625),
        ("decaying_average", [2, 4], {}, 3.3),
        ("decaying_average", [4, 1], {"weight": 0.5}, 2.5),
        ("decaying_average", [3], {}, 3.0),
        ("n_mastery", [1, 3, 4, 2], {"n": 2}, 3.5),
        ("best_fit", [4, 3, 2, 1], {}, 1.0),  # the linear trend is exact
        ("best_fit", [3, 3, 3], {}, 3.0),
    ],
)
def test_methods_match_hand_computed_tables(
    method: str, scores: list[float], params: dict[str, float], expected: float
) -> None:
    """Each method gives the value computed by hand."""
    assert calculate(method, scores, **params) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("scores", "expected"), [([1, 3, 2, 4], 3.66), ([2, 4, 1, 3], 2.16), ([4, 3, 2, 1], 1.28)]
)
def test_power_law_reproduces_published_examples(scores: list[float], expected: float) -> None:
    """Marzano's power law examples as JumpRope and Empower publish them."""
    assert round(calculate("power_law", scores) or 0.0, 2) == expected


def test_power_law_raises_zero_scores_to_the_floor() -> None:
    """A zero enters ln as the floor (0.5): 0,0,0,4 fit ln x on ln i -> 1.65 by hand."""
    value = calculate("power_law", [0, 0, 0, 4], scale=Scale(0.0, 4.0, 3.0))
    assert value == pytest.approx(1.646, abs=2e-3)


def test_power_law_above_the_scale_top_is_clipped() -> None:
    """2,3,4,4 extrapolates to 4.30 (by hand); the result is clipped to the scale's top."""
    assert mastery.power_law([2, 3, 4, 4]) == pytest.approx(4.296, abs=2e-3)
    assert calculate("power_law", [2, 3, 4, 4]) == 4.0
    assert "clipped" in explain("power_law", [2, 3, 4, 4]).detail


def test_best_fit_picks_the_model_with_least_absolute_error() -> None:
    """1,3,2,4: mean errs 4.0, linear 2.4, power law 2.31 (by hand) -> power law, 3.66."""
    models = mastery.best_fit_models([1, 3, 2, 4])
    assert models["mean"][0] == pytest.approx(4.0)
    assert models["linear"][0] == pytest.approx(2.4)
    assert models["power_law"][0] == pytest.approx(2.31, abs=0.01)
    assert calculate("best_fit", [1, 3, 2, 4]) == pytest.approx(3.657, abs=1e-3)


def test_n_mastery_without_enough_proficient_scores_is_none() -> None:
    """Fewer than n scores at or above proficient: no value, insufficient evidence."""
    result = explain("n_mastery", [3, 1, 2], n=2)
    assert result.value is None
    assert result.status is Status.INSUFFICIENT_EVIDENCE


def test_bkt_matches_the_forward_filter_by_hand() -> None:
    """Prior .3, learn .1, guess .2, slip .1: correct -> .6585, then wrong -> .2198."""
    params = BktParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    assert calculate("bkt", [4], bkt=params) == pytest.approx(0.27 / 0.41)
    p_next = 0.27 / 0.41 + (1 - 0.27 / 0.41) * 0.1
    expected = p_next * 0.1 / (p_next * 0.1 + (1 - p_next) * 0.8)
    assert calculate("bkt", [4, 1], bkt=params) == pytest.approx(expected)


def test_min_evidence_gives_insufficient_evidence() -> None:
    """Below the minimum count there is no value."""
    result = explain("mean", [3, 4], min_evidence=3)
    assert result.value is None
    assert result.status is Status.INSUFFICIENT_EVIDENCE
    assert calculate("mean", [], min_evidence=0) is None


def test_kind_weights_leave_out_formative_evidence() -> None:
    """A formative score weighted 0 neither counts nor decays anything."""
    kinds = ["summative", "formative", "summative"]
    value = calculate("decaying_average", [2, 1, 4], kinds=kinds, kind_weights={"formative": 0})
    assert value == pytest.approx(calculate("decaying_average", [2, 4]))
    assert (
        calculate("mean", [2, 1], kinds=["formative", "formative"], kind_weights={"formative": 0})
        is None
    )


def test_dok_weights_weight_the_mean() -> None:
    """DOK 3 counting double: (2 * 1 + 4 * 2) / 3."""
    assert calculate("mean", [2, 4], doks=[1, 3], dok_weights={3: 2.0}) == pytest.approx(10 / 3)


def test_override_wins_until_newer_evidence() -> None:
    """The teacher's judgement stands until counted evidence observed after it."""
    override = Override(value=3.0, set_at=5)
    assert calculate("mean", [1, 2], observed_at=[1, 2], override=override) == 3.0
    assert calculate("mean", [1, 2, 4], observed_at=[1, 2, 6], override=override) == pytest.approx(
        7 / 3
    )
    # newer evidence that does not count (weight 0) does not end the override
    assert (
        calculate(
            "mean",
            [1, 2, 4],
            observed_at=[1, 2, 6],
            override=override,
            kinds=["s", "s", "f"],
            kind_weights={"f": 0},
        )
        == 3.0
    )


@pytest.mark.parametrize(
    "method", [m for m in mastery.METHODS if m not in {"power_law", "best_fit", "bkt"}]
)
def test_explanation_shares_reproduce_the_value(method: str) -> None:
    """For averaging methods the shares sum to 1 and sum(share * score) is the value."""
    scores = [1.0, 3.0, 2.0, 4.0, 3.0]
    result = explain(method, scores, n=2)
    assert result.value is not None
    shares = [use.share or 0.0 for use in result.evidence]
    assert math.fsum(shares) == pytest.approx(1.0)
    assert math.fsum(s * x for s, x in zip(shares, scores, strict=True)) == pytest.approx(
        result.value
    )
    assert result.formula


def test_explanation_says_why_it_is_348() -> None:
    """Decaying average of 1..4: shares .042875, .079625, .2275, .65."""
    result = explain("decaying_average", [1, 2, 3, 4])
    assert [round(use.share or 0, 6) for use in result.evidence] == [
        0.042875,
        0.079625,
        0.2275,
        0.65,
    ]
    assert result.value == pytest.approx(3.484625)


def test_config_rejects_bad_parameters() -> None:
    """The decaying weight must lie in [0.5, 0.99]; unknown methods are refused."""
    with pytest.raises(ValueError, match=r"0\.5"):
        MasteryConfig(method="decaying_average", weight=0.3)
    with pytest.raises(ValueError, match="Unknown"):
        MasteryConfig(method="average-ish")
