"""Frameworks and learning targets: shared ones, and those of the caller's district."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.params import functions as param

from masterypath.api.pagination import Pages
from masterypath.api.schemas import NO_NUL, FrameworkOut, TargetOut
from masterypath.continuum.access import (
    access_framework_by_id,
    access_target_by_id,
    frameworks_visible_to,
)
from masterypath.continuum.models import Framework, LearningTarget

router = Router(tags=["frameworks and targets"])

ID = param.Path(..., ge=1, le=2**62)


@router.get("/frameworks", response=list[FrameworkOut])
@paginate(Pages)
def framework_list(request: HttpRequest) -> QuerySet[Framework]:
    return frameworks_visible_to(request.user).order_by("title", "id")


@router.get("/frameworks/{framework_id}", response=FrameworkOut)
def framework_get(request: HttpRequest, framework_id: int = ID) -> Framework:
    return access_framework_by_id(request.user, framework_id)


@router.get("/frameworks/{framework_id}/targets", response=list[TargetOut])
@paginate(Pages)
def framework_targets(
    request: HttpRequest,
    framework_id: int = ID,
    code: str = param.Query("", max_length=80, pattern=NO_NUL),
    include_retired: bool = False,
) -> QuerySet[LearningTarget]:
    """The framework's targets in continuum order; `code` filters by exact code."""
    framework = framework_get(request, framework_id)
    targets = LearningTarget.objects.filter(competency__domain__framework=framework)
    if code:
        targets = targets.filter(code=code)
    if not include_retired:
        targets = targets.filter(is_retired=False)
    return targets.order_by("level", "position", "code", "id")


@router.get("/targets/{target_id}", response=TargetOut)
def target_get(request: HttpRequest, target_id: int = ID) -> LearningTarget:
    return access_target_by_id(request.user, target_id)
