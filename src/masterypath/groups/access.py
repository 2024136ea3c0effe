"""Who reaches a saved group: whoever may score its section (404 for anyone else)."""

from __future__ import annotations

from django.http import Http404

from masterypath.accounts.actors import Actor
from masterypath.evidence.access import sections_scorable_by
from masterypath.groups.models import StudentGroup


def access_student_group_by_id(actor: Actor, group_id: int) -> StudentGroup:
    group = (
        StudentGroup.objects.filter(pk=group_id, section__in=sections_scorable_by(actor))
        .select_related("section")
        .first()
    )
    if group is None:
        raise Http404("No such group.")
    return group
