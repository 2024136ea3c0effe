"""The mastery methods are one StrEnum whose members are the strings that policies store."""

from __future__ import annotations

import pytest

from masterypath.engine import mastery
from masterypath.engine.mastery import MasteryConfig, Method


def test_every_member_equals_the_string_stored_for_it() -> None:
    """A member is its stored name, so `Method("bkt")`, `"bkt" == Method.BKT` and JSON agree."""
    assert [str(method) for method in Method] == [
        "mean",
        "highest",
        "most_recent",
        "median",
        "mode_of_last",
        "weighted_average",
        "decaying_average",
        "n_mastery",
        "power_law",
        "best_fit",
        "bkt",
    ]
    assert tuple(Method) == mastery.METHODS
    assert all(Method(method.value) is method for method in Method)


def test_config_turns_a_method_name_into_its_member() -> None:
    """`MasteryConfig(method="bkt")` holds `Method.BKT`; an unknown name lists the choices."""
    assert MasteryConfig(method="bkt").method is Method.BKT  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="choose one of mean, highest"):
        MasteryConfig(method="average")  # type: ignore[arg-type]


def test_a_member_and_its_string_give_the_same_value() -> None:
    """`calculate` takes either form of a method."""
    scores = [1.0, 2.0, 3.0, 4.0]
    assert mastery.calculate(Method.DECAYING_AVERAGE, scores) == mastery.calculate(
        "decaying_average", scores
    )
    assert mastery.explain("bkt", [3.0]).method is Method.BKT
