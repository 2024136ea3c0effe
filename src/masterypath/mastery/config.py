"""From stored policies and scales to the engine's MasteryConfig, per target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.engine.mastery import MasteryConfig, Scale
from masterypath.mastery.models import DEFAULT_METHOD, MasteryPolicy


@dataclass(frozen=True)
class TargetScale:
    """A target's scale levels as plain numbers: (value, label) ascending, and proficiency.

    A mastery value stands at the level it rounds to (halfway between two levels rounds up),
    as teachers read a 2.96 as a 3: it is proficient from `threshold` on, the midpoint between
    the highest level below proficient and the lowest proficient level.
    """

    levels: tuple[tuple[float, str], ...]
    proficient: float

    @property
    def threshold(self) -> float:
        below = [value for value, _ in self.levels if value < self.proficient]
        return (max(below) + self.proficient) / 2 if below else self.proficient

    def is_proficient(self, value: float | None) -> bool:
        return value is not None and value + 1e-9 >= self.threshold

    @property
    def engine_scale(self) -> Scale:
        return Scale(minimum=self.levels[0][0], maximum=self.levels[-1][0],
                     proficient=self.proficient)

    def label_for(self, value: float | None) -> str:
        """The label of the level `value` rounds to (half up)."""
        if value is None:
            return ""
        label = self.levels[0][1]
        previous = None
        for level_value, level_label in self.levels:
            midpoint = level_value if previous is None else (previous + level_value) / 2
            if value + 1e-9 >= midpoint:
                label = level_label
            previous = level_value
        return label


def scale_of(scale: PerformanceScale) -> TargetScale:
    levels = sorted(scale.levels.all(), key=lambda level: level.value)
    proficient = min((float(lv.value) for lv in levels if lv.is_proficient),
                     default=float(levels[-1].value))
    return TargetScale(tuple((float(lv.value), lv.label) for lv in levels), proficient)


def _policy_config(policy: MasteryPolicy | None, scale: TargetScale) -> MasteryConfig:
    if policy is None:
        return MasteryConfig(method=DEFAULT_METHOD, scale=scale.engine_scale)
    return MasteryConfig(
        method=policy.method, weight=policy.weight, k=policy.k, n=policy.n,
        min_evidence=policy.min_evidence, scale=scale.engine_scale,
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
        policy = (
            self._policies.get((None, target.pk))
            or self._policies.get((framework.pk, None))
            or self._policies.get((None, None))
        )
        return _policy_config(policy, self.scale_for(target))

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
