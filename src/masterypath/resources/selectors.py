"""Reads of the resources app: the library, suggestions for a student, what is on a step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from masterypath.continuum.models import LearningTarget
from masterypath.mastery.models import MasteryEstimate
from masterypath.plans.models import Goal, GoalStatus, PlanState
from masterypath.resources.models import Resource, ReviewStatus, StepResource, UseAction
from masterypath.roster.models import Student

# Below this estimate a target counts as a gap when its scale says nothing else.
GAP_BELOW = 3.0


def resource_library(
    *,
    resources: QuerySet[Resource],
    status: str = "",
    target_code: str = "",
    kind: str = "",
    language: str = "",
) -> QuerySet[Resource]:
    """The visible resources, filtered, with their targets and counts of use."""
    if status:
        resources = resources.filter(status=status)
    if target_code:
        resources = resources.filter(targets__code=target_code.strip())
    if kind:
        resources = resources.filter(kind=kind)
    if language:
        resources = resources.filter(language=language)
    return (
        resources.select_related("curator", "reviewed_by")
        .prefetch_related("targets")
        .annotate(
            n_opened=Count("uses__student", filter=Q(uses__action=UseAction.OPENED), distinct=True),
            n_completed=Count(
                "uses__student", filter=Q(uses__action=UseAction.COMPLETED), distinct=True
            ),
        )
        .distinct()
    )


@dataclass(frozen=True, slots=True)
class Suggestion:
    resource: Resource
    target: LearningTarget
    reason: str  # "goal": a target of an open goal not reached yet; "gap": below proficient


def resource_suggestions_for_student(
    *, student: Student, language: str = "en", limit: int = 6
) -> list[Suggestion]:
    """Approved resources for the targets of the student's open goals not yet reached, then for
    their gaps (estimates below proficient): at most one suggestion per resource, the student's
    language first, shorter first. Four queries."""
    goal_rows = list(
        Goal.targets.through.objects.filter(
            goal__plan__student=student,
            goal__status=GoalStatus.OPEN,
            goal__plan__state__in=[PlanState.DRAFT, PlanState.IN_REVIEW, PlanState.ACTIVE],
        ).values_list("learningtarget_id", "goal__target_level")
    )
    estimates: dict[int, float] = {
        target: value
        for target, value in MasteryEstimate.objects.filter(
            student=student, value__isnull=False
        ).values_list("target_id", "value")
        if value is not None
    }
    goal_targets = [
        target
        for target, level in goal_rows
        if target not in estimates or estimates[target] < (level or GAP_BELOW)
    ]
    gap_targets = [t for t, v in estimates.items() if v < GAP_BELOW and t not in goal_targets]
    wanted = list(dict.fromkeys(goal_targets + gap_targets))
    if not wanted:
        return []
    reason_of = dict.fromkeys(goal_targets, "goal") | dict.fromkeys(gap_targets, "gap")
    resources = list(
        Resource.objects.filter(
            district_id=student.district_id,
            status=ReviewStatus.APPROVED,
            targets__in=wanted,
        )
        .distinct()
        .prefetch_related("targets")
    )
    rank = {t: i for i, t in enumerate(wanted)}
    found: list[Suggestion] = []
    for resource in resources:
        tagged = [t for t in resource.targets.all() if t.pk in rank]
        best = min(tagged, key=lambda t: rank[t.pk])
        found.append(Suggestion(resource=resource, target=best, reason=reason_of[best.pk]))
    found.sort(
        key=lambda s: (
            rank[s.target.pk],
            s.resource.language != language,
            s.resource.minutes,
            s.resource.pk,
        )
    )
    return found[:limit]


def resources_on_steps(*, step_ids: Iterable[int]) -> dict[int, list[Resource]]:
    """The resources put on each of these steps (one query)."""
    on: dict[int, list[Resource]] = {}
    for link in StepResource.objects.filter(step_id__in=list(step_ids)).select_related("resource"):
        on.setdefault(link.step_id, []).append(link.resource)
    return on
