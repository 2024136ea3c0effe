"""Reads of flexible groups."""

from __future__ import annotations

from masterypath.groups.models import StudentGroup
from masterypath.roster.models import Section


def student_group_list_for_section(*, section: Section) -> list[StudentGroup]:
    """The section's saved groups by name, with their students and target (two queries)."""
    return list(
        StudentGroup.objects.filter(section=section)
        .select_related("focus_target")
        .prefetch_related("members")
        .order_by("name", "id")
    )
