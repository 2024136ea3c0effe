"""What works, for whom: per strategy, the growth of students during their intervention
against matched similar students who did not receive it, the success rate, the cost per
level gained, and the same per student group with small-group suppression.

Fetch once, compute, show: one query for the participants, one for the placements; the
engine (`engine.effects`) does the matching.

**The comparison.** For each intervention (its domain and period, start ``s`` to end ``e``:
the close date, or the end date, or ``as_of`` when earlier), every student of the district in
a participant's grade who was never in an intervention in that domain is a candidate
comparison. For each student, ``L(t)`` is their latest placement on or before ``t``;

* outcome: ``L(e) - L(s)`` (levels gained during the period);
* prior placement: ``L(s)``; pace before: ``(L(s) - L(s - 91 days)) * 365 / 91``.

Students without a placement at ``s`` and at ``e`` are left out. Matching is exact on the
intervention (so on its period and domain) and grade, nearest on prior placement and pace
before. Each subgroup is estimated within itself (English learners compared with English
learners). Groups under the district's minimum group size are suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Q

from masterypath.engine.effects import (
    EffectEstimate,
    Proportion,
    matched_effect,
    matched_effect_by_group,
    wilson_interval,
)
from masterypath.engine.wording import working_level
from masterypath.interventions.models import Intervention, Outcome, Participant, Strategy
from masterypath.mastery.models import Placement
from masterypath.reports.groups import GROUP_DIMENSIONS, STUDENT_FIELDS, group_label, groups_of
from masterypath.reports.groups import dimension_label as _dimension_label
from masterypath.roster.models import Student
from masterypath.schools.models import District, School

PACE_WINDOW_DAYS = 91
MIN_PERIOD_DAYS = 21
SEED = 2027
N_BOOT = 500
STANDING = "standing"
STANDING_LABELS = {
    "two_below": "2 or more grades below at the start",
    "one_below": "1 grade below at the start",
    "on_or_above": "On or above grade level at the start",
}


@dataclass(frozen=True)
class GroupResult:
    dimension: str
    key: str
    label: str
    effect: EffectEstimate
    success: Proportion


@dataclass(frozen=True)
class StrategyResult:
    strategy: Strategy
    effect: EffectEstimate
    success: Proportion
    participants: int
    cost_per_level: Decimal | None
    groups: list[GroupResult]

    def groups_of(self, dimension: str) -> list[GroupResult]:
        return [g for g in self.groups if g.dimension == dimension]


@dataclass(frozen=True)
class WhatWorks:
    results: list[StrategyResult]
    dimensions: list[tuple[str, str]]  # (key, label), in display order
    min_group: int


def dimension_label(dimension: str) -> str:
    return "Standing at the start" if dimension == STANDING else _dimension_label(dimension)


def _standing(prior: float, grade: int) -> str:
    gap = working_level(prior) - min(grade, 12)
    if gap <= -2:
        return "two_below"
    if gap == -1:
        return "one_below"
    return "on_or_above"


class _History:
    """Placements per (student, domain) as sorted day numbers and levels, for ``L(t)``."""

    def __init__(self, rows: list[tuple[int, int, date, float]]) -> None:
        grouped: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
        for student_id, domain_id, placed_on, level in rows:
            grouped[(student_id, domain_id)].append((placed_on.toordinal(), level))
        self._series = {}
        for key, points in grouped.items():
            points.sort()
            self._series[key] = (
                np.array([p[0] for p in points]),
                np.array([p[1] for p in points]),
            )

    def students_of(self, domain_id: int) -> set[int]:
        return {s for s, d in self._series if d == domain_id}

    def level(self, student_id: int, domain_id: int, on: date) -> float | None:
        series = self._series.get((student_id, domain_id))
        if series is None:
            return None
        days, levels = series
        index = int(np.searchsorted(days, on.toordinal(), side="right")) - 1
        return None if index < 0 else float(levels[index])


def _frame(
    *, district: District, school: School | None, as_of: date
) -> tuple[pl.DataFrame, dict[int, Strategy], dict[int, list[str]]]:
    """One row per (intervention, candidate student): the matching frame, the strategies, and
    each strategy's participants' outcomes (for success rates) per student."""
    scope = Q(intervention__district=district, intervention__starts_on__lte=as_of)
    if school is not None:
        scope &= Q(intervention__school=school)
    participants = list(
        Participant.objects.filter(scope).values(
            "student_id",
            "outcome",
            "closed_on",
            "intervention_id",
            "intervention__strategy_id",
            "intervention__domain_id",
            "intervention__starts_on",
            "intervention__ends_on",
            "student__grade_level",
        )
    )
    strategy_ids = {p["intervention__strategy_id"] for p in participants}
    strategies = {s.pk: s for s in Strategy.objects.filter(pk__in=strategy_ids)}
    if not participants:
        return pl.DataFrame(), strategies, {}
    domains = {p["intervention__domain_id"] for p in participants}
    grades = {p["student__grade_level"] for p in participants}
    earliest = min(p["intervention__starts_on"] for p in participants)
    in_domain = {(p["student_id"], p["intervention__domain_id"]) for p in participants}
    students = {
        row["pk"]: row
        for row in Student.objects.filter(
            district=district, grade_level__in=grades, is_active=True
        ).values("pk", "grade_level", *STUDENT_FIELDS)
    }
    history = _History(
        list(
            Placement.objects.filter(
                student__district=district,
                student__grade_level__in=grades,
                domain_id__in=domains,
                placed_on__gte=earliest - timedelta(days=PACE_WINDOW_DAYS + 31),
                placed_on__lte=as_of,
            ).values_list("student_id", "domain_id", "placed_on", "level")
        )
    )
    by_intervention: dict[int, list[Any]] = defaultdict(list)
    for p in participants:
        by_intervention[p["intervention_id"]].append(p)
    rows: list[dict[str, object]] = []
    for intervention_id, members in by_intervention.items():
        first = members[0]
        domain_id = int(first["intervention__domain_id"])
        start: date = first["intervention__starts_on"]
        ends_on: date = first["intervention__ends_on"]
        treated_ids = {int(m["student_id"]) for m in members}
        member_grades = {m["student__grade_level"] for m in members}
        closed = {int(m["student_id"]): m["closed_on"] for m in members}
        candidates = treated_ids | {
            s
            for s in history.students_of(domain_id)
            if s in students
            and students[s]["grade_level"] in member_grades
            and (s, domain_id) not in in_domain
        }
        for student_id in candidates:
            end = min(closed.get(student_id) or ends_on, ends_on, as_of)
            if (end - start).days < MIN_PERIOD_DAYS:
                continue
            prior = history.level(student_id, domain_id, start)
            final = history.level(student_id, domain_id, end)
            before = history.level(student_id, domain_id, start - timedelta(days=PACE_WINDOW_DAYS))
            if prior is None or final is None:
                continue
            student = students.get(student_id)
            if student is None:
                continue
            grade = int(student["grade_level"])
            row: dict[str, object] = {
                "intervention_id": intervention_id,
                "strategy_id": int(first["intervention__strategy_id"]),
                "student_id": student_id,
                "grade": grade,
                "treated": student_id in treated_ids,
                "growth": final - prior,
                "prior": prior,
                "pace_before": (prior - before) * 365 / PACE_WINDOW_DAYS
                if before is not None
                else 0.0,
                STANDING: _standing(prior, grade),
            }
            row.update(groups_of(student))
            rows.append(row)
    outcomes: dict[int, list[str]] = defaultdict(list)
    for p in participants:
        if p["outcome"]:
            outcomes[int(p["intervention__strategy_id"])].append(str(p["outcome"]))
    return pl.DataFrame(rows), strategies, outcomes


def _success(outcomes: list[str], min_group: int) -> Proportion:
    met = sum(1 for o in outcomes if o == Outcome.MET)
    return wilson_interval(met, len(outcomes), min_group=min_group)


def what_works(*, district: District, school: School | None = None, as_of: date) -> WhatWorks:
    """Every strategy used in the district (or school) with its matched effect, success rate
    and cost per level gained, overall and per student group."""
    min_group = district.min_group_size
    frame, strategies, outcomes = _frame(district=district, school=school, as_of=as_of)
    dimensions = [STANDING, *(str(d) for d in GROUP_DIMENSIONS)]
    options = {
        "outcome": "growth",
        "treated": "treated",
        "exact": ("intervention_id", "grade"),
        "nearest": ("prior", "pace_before"),
        "seed": SEED,
        "n_boot": N_BOOT,
        "min_group": min_group,
    }
    # Per strategy and group: the closed participants' outcomes, for success rates.
    closed_by_group: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    if outcomes:
        closed = (
            Participant.objects.filter(intervention__strategy_id__in=list(outcomes))
            .exclude(outcome="")
            .filter(intervention__district=district)
        )
        if school is not None:
            closed = closed.filter(intervention__school=school)
        for row in closed.values(
            "outcome",
            "intervention__strategy_id",
            "baseline_level",
            "student__grade_level",
            *(f"student__{name}" for name in STUDENT_FIELDS),
        ):
            fields = {name: row[f"student__{name}"] for name in STUDENT_FIELDS}
            keys = groups_of(fields)
            if row["baseline_level"] is not None:
                keys[STANDING] = _standing(row["baseline_level"], row["student__grade_level"])
            for dimension, key in keys.items():
                closed_by_group[(row["intervention__strategy_id"], str(dimension), key)].append(
                    row["outcome"]
                )
    results = []
    for strategy_id, strategy in sorted(strategies.items(), key=lambda s: (s[1].tier, s[1].name)):
        part = (
            frame.filter(pl.col("strategy_id") == strategy_id) if frame.height else pl.DataFrame()
        )
        if part.height:
            effect = matched_effect(part, **options)  # type: ignore[arg-type]
        else:
            effect = EffectEstimate(None, None, None, 0, 0, None, True)
        groups: list[GroupResult] = []
        for dimension in dimensions:
            estimates = (
                matched_effect_by_group(part, group=dimension, **options)  # type: ignore[arg-type]
                if part.height
                else {}
            )
            for key, estimate in estimates.items():
                groups.append(
                    GroupResult(
                        dimension=dimension,
                        key=key,
                        label=STANDING_LABELS[key]
                        if dimension == STANDING
                        else group_label(dimension, key),
                        effect=estimate,
                        success=_success(
                            closed_by_group.get((strategy_id, dimension, key), []), min_group
                        ),
                    )
                )
        cost = strategy.cost_per_student
        cost_per_level = (
            (cost / Decimal(str(round(effect.effect, 4)))).quantize(Decimal("1"))
            if cost is not None and effect.effect is not None and (effect.low or 0) > 0
            else None
        )
        results.append(
            StrategyResult(
                strategy=strategy,
                effect=effect,
                success=_success(outcomes.get(strategy_id, []), min_group),
                participants=int(part.filter(pl.col("treated")).height) if part.height else 0,
                cost_per_level=cost_per_level,
                groups=groups,
            )
        )
    return WhatWorks(
        results=results,
        dimensions=[(d, dimension_label(d)) for d in dimensions],
        min_group=min_group,
    )


def interventions_in_scope(*, district: District, school: School | None) -> int:
    scope = Intervention.objects.filter(district=district)
    return (scope.filter(school=school) if school is not None else scope).count()
