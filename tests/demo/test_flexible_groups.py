"""The demo teacher's saved flexible groups (demo.flexible_groups): the first suggestions of
their first current section, under a teacher's kind of name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masterypath.demo.flexible_groups import add_demo_groups
from masterypath.groups.models import GroupBasis, StudentGroup
from masterypath.reports.section_dashboard import section_dashboard
from tests.conftest import World, user_of
from tests.web.teacher.section_world import add_group_students, add_section_data


@pytest.fixture
def teacher(world: World) -> str:
    """teacher_a, whose S1 runs this school year (around today, when its evidence is)."""
    data = add_group_students(add_section_data(world))
    session = world.sections["S1"].session
    session.starts_on, session.ends_on = (
        data.today - timedelta(days=100),
        data.today + timedelta(days=100),
    )
    session.save()
    return str(user_of(world, "teacher_a").username)


def test_the_first_suggestions_are_saved(world: World, teacher: str) -> None:
    section = world.sections["S1"]
    today = timezone.localdate()
    board = section_dashboard(section=section, as_of=today)
    assert add_demo_groups(username=teacher, as_of=today) == 2
    saved = list(StudentGroup.objects.order_by("id"))
    assert [g.name for g in saved] == ["4.NF.2 small group", "Catch-up group 2"]
    assert [g.basis for g in saved] == [GroupBasis.TARGET, GroupBasis.GAP]
    assert [sorted(g.members.values_list("pk", flat=True)) for g in saved] == [
        sorted(s.pk for s in suggestion.students) for suggestion in board.suggestions[:2]
    ]
    assert all(g.created_by is not None and g.created_by.username == teacher for g in saved)


def test_nobody_or_no_current_section_saves_nothing(world: World, teacher: str) -> None:
    assert add_demo_groups(username="nobody", as_of=timezone.localdate()) == 0
    long_after = timezone.localdate() + timedelta(days=1000)
    assert add_demo_groups(username=teacher, as_of=long_after) == 0
    assert not StudentGroup.objects.exists()
