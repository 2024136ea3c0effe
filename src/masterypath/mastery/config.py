"""From stored policies and scales to the engine's MasteryConfig, per target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.engine.mastery import MasteryConfig, Method, Scale, method_of
from masterypath.mastery.models import DEFAULT_METHOD, MasteryPolicy

# BKT's usual mastery criterion: P(learned) of at least 0.95 (Corbett & Anderson 1995).
BKT_MASTERED = 0.95


def display_value(value: float | None, method: str, decimals: int = 2) -> str:
    """A mastery value as people read it: a level with `decimals` decimals, or BKT's
    probability of mastery as a percentage."""
    if value is None:
        return ""
    return f"{value:.0%}" if method == Method.BKT else f"{value:.{decimals}f}"


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

    def is_proficient(self, value: float | None, method: str = "") -> bool:
        """Whether a mastery value counts as proficient; a BKT value is a probability of
        mastery, proficient from `BKT_MASTERED` on."""
        if value is None:
            return False
        if method == Method.BKT:
            return value + 1e-12 >= BKT_MASTERED
        return value + 1e-9 >= self.threshold

    @property
    def engine_scale(self) -> Scale:
        return Scale(
            minimum=self.levels[0][0], maximum=self.levels[-1][0], proficient=self.proficient
        )

    def label_for(self, value: float | None, method: str = "") -> str:
        """The label of the level `value` rounds to (half up); for BKT, mastered or not."""
        if value is None:
            return ""
        if method == Method.BKT:
            return "Mastered" if self.is_proficient(value, method) else "Not yet mastered"
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
