"""Frameworks and learning targets: shared ones, and those of the caller's district."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.params import functions as param

from masterypath.api.pagination import Pages
from masterypath.api.schemas import NO_NUL, FrameworkOut, TargetOut
from masterypath.continuum.models import Framework, LearningTarget

router = Router(tags=["frameworks and targets"])

ID = param.Path(..., ge=1, le=2**62)


def district_of(user: Any) -> int | None:
    """The district a person belongs to (None for a superuser without one)."""
    for relation in ("staff", "student", "guardian"):
        person = getattr(user, relation, None)
        if person is not None:
            return int(person.district_id)
    return None


def frameworks_visible_to(user: Any) -> QuerySet[Framework]:
    frameworks = Framework.objects.all()
    if not getattr(user, "is_authenticated", False):
        return frameworks.none()
    district_id = district_of(user)
    if district_id is None:
        return frameworks if user.is_superuser else frameworks.filter(district__isnull=True)
    return frameworks.filter(Q(district__isnull=True) | Q(district_id=district_id))


def targets_visible_to(user: Any) -> QuerySet[LearningTarget]:
    return LearningTarget.objects.filter(
        competency__domain__framework__in=frameworks_visible_to(user)
    )


@router.get("/frameworks", response=list[FrameworkOut])
@paginate(Pages)
def framework_list(request: HttpRequest) -> QuerySet[Framework]:
    return frameworks_visible_to(request.user).order_by("title", "id")


@router.get("/frameworks/{framework_id}", response=FrameworkOut)
def framework_get(request: HttpRequest, framework_id: int = ID) -> Framework:
    framework = frameworks_visible_to(request.user).filter(pk=framework_id).first()
    if framework is None:
        raise Http404("No such framework.")
    return framework


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
    target = targets_visible_to(request.user).filter(pk=target_id).first()
    if target is None:
        raise Http404("No such target.")
    return target
