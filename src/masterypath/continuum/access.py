"""Which frameworks and learning targets an actor may use.

A framework is shared (no district: a published set such as CCSS) or belongs to one district
(authored or adopted there). A person sees the shared frameworks and their own district's; an
operator (a superuser with no person behind the login) sees all of them. Everything that looks a
target up for someone (the API, xAPI mapping, the gradebook, imports, evidence services) goes
through these guards, so no lookup can reach another district's private targets.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.continuum.models import Framework, LearningTarget
from masterypath.schools.access import district_id_of


def frameworks_visible_in_district(district_id: int) -> QuerySet[Framework]:
    """The shared frameworks and those of district `district_id`."""
    return Framework.objects.filter(Q(district__isnull=True) | Q(district_id=district_id))


def frameworks_visible_to(actor: Actor | None) -> QuerySet[Framework]:
    """Every framework `actor` may read and use."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return Framework.objects.none()
    district_id = district_id_of(actor)
    if district_id is not None:
        return frameworks_visible_in_district(district_id)
    if actor.is_superuser:
        return Framework.objects.all()
    return Framework.objects.filter(district__isnull=True)


def targets_visible_in_district(district_id: int) -> QuerySet[LearningTarget]:
    """Targets of the shared frameworks and of district `district_id`."""
    return LearningTarget.objects.filter(
        Q(competency__domain__framework__district__isnull=True)
        | Q(competency__domain__framework__district_id=district_id)
    )


def targets_visible_to(actor: Actor | None) -> QuerySet[LearningTarget]:
    """Every target `actor` may read and score (retired ones included: history stays)."""
    return LearningTarget.objects.filter(
        competency__domain__framework__in=frameworks_visible_to(actor)
    )


def is_target_visible_in_district(target: LearningTarget, district_id: int) -> bool:
    """Whether evidence of a student of `district_id` may be recorded on `target`."""
    framework_district = (
        Framework.objects.filter(domains__competencies__targets=target)
        .values_list("district_id", flat=True)
        .first()
    )
    return framework_district is None or framework_district == district_id


def is_framework_visible_in_district(framework: Framework, district_id: int) -> bool:
    """Whether targets of `framework` may carry evidence of a student of `district_id` (no
    query: for a target whose framework is already loaded with it)."""
    return framework.district_id is None or framework.district_id == district_id


def access_framework_by_id(actor: Actor | None, framework_id: int) -> Framework:
    """The framework if `actor` may use it; Http404 otherwise."""
    framework = frameworks_visible_to(actor).filter(pk=framework_id).first()
    if framework is None:
        raise Http404("No such framework.")
    return framework


def access_target_by_id(actor: Actor | None, target_id: int) -> LearningTarget:
    """The target if `actor` may use it; Http404 otherwise."""
    target = (
        targets_visible_to(actor)
        .filter(pk=target_id)
        .select_related("competency__domain__framework__scale")
        .first()
    )
    if target is None:
        raise Http404("No such target.")
    return target


def access_target_by_code(
    actor: Actor | None, code: str, *, include_retired: bool = False
) -> LearningTarget:
    """The one target with this code that `actor` may use; Http404 when there is none or when
    the code names targets of several visible frameworks (say which framework instead)."""
    targets = targets_visible_to(actor).filter(code=code.strip())
    if not include_retired:
        targets = targets.filter(is_retired=False)
    found = list(targets.select_related("competency__domain__framework__scale")[:2])
    if len(found) != 1:
        raise Http404("No such target." if not found else f"The code {code!r} is ambiguous.")
    return found[0]
