"""Who sees which resources, who submits, who curates.

Everyone of a district reads its approved resources; staff also see those waiting for review
and those not approved. Principals and district admins are curators: they approve or reject.
A resource of another district answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.accounts.models import Role
from masterypath.resources.models import Resource, ReviewStatus
from masterypath.roster.access import active_user
from masterypath.schools.access import district_id_of

CURATOR_ROLES = frozenset({Role.PRINCIPAL, Role.DISTRICT_ADMIN})


def is_curator(actor: Actor | None) -> bool:
    user = active_user(actor)
    return user is not None and user.role in CURATOR_ROLES and district_id_of(user) is not None


def may_submit_resources(actor: Actor | None) -> bool:
    """Staff suggest resources for the library; a curator then reviews them."""
    user = active_user(actor)
    return user is not None and user.is_staff_member and district_id_of(user) is not None


def resources_visible_to(actor: Actor | None) -> QuerySet[Resource]:
    user = active_user(actor)
    district_id = district_id_of(user) if user is not None else None
    if user is None or district_id is None:
        return Resource.objects.none()
    resources = Resource.objects.filter(district_id=district_id)
    if user.is_staff_member:
        return resources
    return resources.filter(status=ReviewStatus.APPROVED)


def access_resource_by_id(actor: Actor, resource_id: int) -> Resource:
    resource = resources_visible_to(actor).filter(pk=resource_id).first()
    if resource is None:
        raise Http404("No such resource.")
    return resource
