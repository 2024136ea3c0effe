"""The demo teacher's saved flexible groups: the first two suggestions of their first section
this school year, saved under a teacher's kind of name, so the dashboard shows both a
suggestion and a saved group from the first visit. Deterministic: the suggestions follow the
seeded evidence."""

from __future__ import annotations

from datetime import date

from masterypath.accounts.models import User
from masterypath.engine.classroom import GroupReason
from masterypath.groups.models import GroupBasis
from masterypath.groups.services import student_group_save
from masterypath.reports.section_dashboard import section_dashboard
from masterypath.roster.models import EnrollmentRole, Section

SAVED = 2


def add_demo_groups(*, username: str, as_of: date) -> int:
    """Save the first suggestions of the teacher's first current section; returns how many."""
    teacher = User.objects.filter(username=username).first()
    section = (
        Section.objects.filter(
            enrollments__staff__user=teacher,
            enrollments__role=EnrollmentRole.TEACHER,
            session__starts_on__lte=as_of,
            session__ends_on__gte=as_of,
        )
        .select_related("course", "school")
        .order_by("id")
        .first()
    )
    if teacher is None or section is None:
        return 0
    board = section_dashboard(section=section, as_of=as_of)
    saved = 0
    for number, suggestion in enumerate(board.suggestions[:SAVED], start=1):
        if suggestion.reason == GroupReason.TARGET and suggestion.target is not None:
            name, basis = f"{suggestion.target.code} small group", GroupBasis.TARGET
            target_id: int | None = suggestion.target.pk
        else:
            name, basis, target_id = f"Catch-up group {number}", GroupBasis.GAP, None
        student_group_save(
            actor=teacher,
            section=section,
            name=name,
            student_ids=[s.pk for s in suggestion.students],
            basis=basis,
            focus_target_id=target_id,
        )
        saved += 1
    return saved
