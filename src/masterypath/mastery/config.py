"""From stored policies and scales to the engine's MasteryConfig, per target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.engine.levels import BKT_MASTERED as BKT_MASTERED  # re-exported
from masterypath.engine.levels import Ladder, Level, format_value, level_of
from masterypath.engine.mastery import MasteryConfig, Scale, method_of
from masterypath.mastery.models import DEFAULT_METHOD, MasteryPolicy


def display_value(value: float | None, method: str, decimals: int = 2) -> str:
    """A mastery value as people read it: a level with `decimals` decimals, or BKT's
    probability of mastery as a percentage (`TargetScale.display` also keeps the number
    inside the level it stands at)."""
    return format_value(value, method=method, decimals=decimals)


@dataclass(frozen=True)
class TargetScale:
    """A target's scale levels as plain numbers: (value, label) ascending, and proficiency.

    What a value reads as (its level, label, colour band, proficiency, shown number) comes
    from the one rule in `engine.levels`: a value stands at the level it rounds to.
    """

    levels: tuple[tuple[float, str], ...]
    proficient: float

    @cached_property
    def ladder(self) -> Ladder:
        return Ladder.of_scale(
            [value for value, _ in self.levels],
            [label for _, label in self.levels],
            proficient=self.proficient,
        )

    @property
    def threshold(self) -> float:
        """The lowest proficient value: halfway from the level below proficient up to it."""
        return self.ladder.threshold

    def level(self, value: float, method: str = "") -> Level:
        """Where a mastery value of `method` stands (BKT values are probabilities)."""
        return level_of(value, method=method, scale=self.ladder)

    def is_proficient(self, value: float | None, method: str = "") -> bool:
        """Whether a mastery value counts as proficient; a BKT value is a probability of
        mastery, proficient from `BKT_MASTERED` on."""
        return value is not None and self.level(value, method).is_proficient

    def band(self, value: float | None, method: str = "") -> int:
        """The colour band of a value: 1 .. 4 (3 = proficient), 0 without a value."""
        return 0 if value is None else self.level(value, method).band

    def label_for(self, value: float | None, method: str = "") -> str:
        """The label of the level `value` stands at; for BKT, how surely it is mastered."""
        return "" if value is None else self.level(value, method).label

    def display(self, value: float | None, method: str = "", decimals: int = 2) -> str:
        """The value as shown next to its label (never rounded into another level)."""
        return format_value(value, method=method, scale=self.ladder, decimals=decimals)

    @property
    def engine_scale(self) -> Scale:
        return Scale(
            minimum=self.levels[0][0], maximum=self.levels[-1][0], proficient=self.proficient
        )


def scale_of(scale: PerformanceScale) -> TargetScale:
    levels = sorted(scale.levels.all(), key=lambda level: level.value)
    proficient = min(
        (float(lv.value) for lv in levels if lv.is_proficient), default=float(levels[-1].value)
    )
    return TargetScale(tuple((float(lv.value), lv.label) for lv in levels), proficient)


def _policy_config(policy: MasteryPolicy | None, scale: TargetScale) -> MasteryConfig:
    if policy is None:
        return MasteryConfig(method=DEFAULT_METHOD, scale=scale.engine_scale)
    return MasteryConfig(
        method=method_of(policy.method),
        weight=policy.weight,
        k=policy.k,
        n=policy.n,
        min_evidence=policy.min_evidence,
        scale=scale.engine_scale,
        kind_weights={str(k): float(v) for k, v in (policy.kind_weights or {}).items()},
        dok_weights={int(k): float(v) for k, v in (policy.dok_weights or {}).items()},
    )


class PolicyBook:
    """Resolves the effective config of many targets with two queries in all."""

    def __init__(self, *, district_id: int) -> None:
        self._policies = {
            (policy.framework_id, policy.target_id): policy
            for policy in MasteryPolicy.objects.filter(district_id=district_id)
        }
        self._scales: dict[int, TargetScale] = {}

    def config_for(self, target: LearningTarget) -> MasteryConfig:
        """Needs target.competency.domain.framework.scale.levels loaded (see `targets_with`)."""
        framework = target.competency.domain.framework
        return self.config_of(
            target_id=target.pk, framework_id=framework.pk, scale=self.scale_for(target)
        )

    def config_of(self, *, target_id: int, framework_id: int, scale: TargetScale) -> MasteryConfig:
        """The config of a target known by ids and its scale (no query: see `mastery.layout`).

        The target's own policy wins over its framework's, which wins over the district's."""
        policy = (
            self._policies.get((None, target_id))
            or self._policies.get((framework_id, None))
            or self._policies.get((None, None))
        )
        return _policy_config(policy, scale)

    def scale_for(self, target: LearningTarget) -> TargetScale:
        framework = target.competency.domain.framework
        if framework.scale_id not in self._scales:
            self._scales[framework.scale_id] = scale_of(framework.scale)
        return self._scales[framework.scale_id]


def targets_with_scales(target_ids: Iterable[int]) -> dict[int, LearningTarget]:
    """Targets with their framework and scale levels, in two queries."""
    return {
        target.pk: target
        for target in LearningTarget.objects.filter(pk__in=list(target_ids))
        .select_related("competency__domain__framework__scale")
        .prefetch_related("competency__domain__framework__scale__levels")
    }
