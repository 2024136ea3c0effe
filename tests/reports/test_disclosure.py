"""What the pages hide: small groups, their complements, and the same numbers on every page."""

from __future__ import annotations

import numpy as np
import pytest

from masterypath.reports.dashboard_base import figures_for
from masterypath.reports.disclosure import disclosure, group_frame
from masterypath.reports.equity import Scope, equity_view
from masterypath.reports.models import Dimension
from masterypath.reports.summaries import dashboard_summary_refresh
from tests.engine.test_equity import recoverable
from tests.leaders_world import LeaderWorld, build_leader_world


@pytest.fixture
def leaders(db: None) -> LeaderWorld:
    world = build_leader_world()
    dashboard_summary_refresh(district=world.district)
    return world


def _math_rule(world: LeaderWorld, dimension: str):  # type: ignore[no-untyped-def]
    frame = group_frame(district_id=world.district.pk, dimension=dimension)
    part = frame.filter(frame["domain_id"] == world.math.pk)
    return disclosure(part, threshold=world.district.min_group_size, dimension=dimension)


def test_small_race_groups_are_hidden_with_a_complement(leaders: LeaderWorld) -> None:
    """At the elementary school 4 Black and 2 Asian students are hidden; together they could
    be worked out from the total, so a third group goes too."""
    rule = _math_rule(leaders, Dimension.RACE)
    school = leaders.elementary.pk
    hidden = {g for g in rule.groups if rule.school_group_hidden[(school, g)]}
    assert {"black", "asian"} <= hidden
    assert not rule.school_hidden[school]


def test_no_hidden_group_of_a_school_can_be_recovered(leaders: LeaderWorld) -> None:
    """The district's schools-by-groups table: no hidden cell follows from the shown ones."""
    rule = _math_rule(leaders, Dimension.RACE)
    frame = group_frame(district_id=leaders.district.pk, dimension=Dimension.RACE)
    frame = frame.filter((frame["domain_id"] == leaders.math.pk) & (frame["dimension"] == "race"))
    counts = np.zeros((len(rule.schools), len(rule.groups)), dtype=np.int64)
    for row in frame.iter_rows(named=True):
        counts[rule.schools.index(row["school_id"]), rule.groups.index(row["group"])] += row[
            "students"
        ]
    from masterypath.engine.equity import Suppression

    pattern = Suppression(
        cells=np.array(
            [[rule.school_group_hidden[(s, g)] for g in rule.groups] for s in rule.schools]
        ),
        row_totals=np.array([rule.school_hidden[s] for s in rule.schools]),
        column_totals=np.array([rule.group_hidden[g] for g in rule.groups]),
        grand=rule.district_hidden,
    )
    assert recoverable(counts, pattern) == []


def test_the_school_page_hides_what_the_district_page_hides(leaders: LeaderWorld) -> None:
    """A group hidden on the district page for a school is hidden on the school's own page,
    and the other way round: no page gives away another's hidden number."""
    figures = figures_for(leaders.district)
    assert figures is not None
    district_view = equity_view(
        scope=Scope(district=leaders.district),
        figures=figures,
        dimension=Dimension.RACE,
        domain_id=leaders.math.pk,
    )
    school_view = equity_view(
        scope=Scope(district=leaders.district, school=leaders.elementary),
        figures=figures,
        dimension=Dimension.RACE,
        domain_id=leaders.math.pk,
    )
    district_row = next(
        row for row in district_view.by_place.rows if row[0].text == leaders.elementary.name
    )
    school_total_row = school_view.by_place.rows[-1]  # "All grades"
    assert [cell.is_hidden for cell in district_row[1:]] == [
        cell.is_hidden for cell in school_total_row[1:]
    ]
    assert [cell.text for cell in district_row[1:]] == [cell.text for cell in school_total_row[1:]]


def test_a_larger_threshold_hides_more(leaders: LeaderWorld) -> None:
    """With 11 as the smallest group, the 10 Hispanic students are hidden too."""
    leaders.district.min_group_size = 11
    rule = _math_rule(leaders, Dimension.RACE)
    assert rule.school_group_hidden[(leaders.elementary.pk, "hispanic")]


def test_grades_by_groups_protect_the_school_totals(leaders: LeaderWorld) -> None:
    """Within the school, grades by groups: every hidden group total stays hidden, so some
    cells of its column are hidden as well."""
    rule = _math_rule(leaders, Dimension.RACE)
    cells = rule.grade_groups_hidden(leaders.elementary.pk)
    for group in ("black", "asian"):
        assert any(hidden for (grade, g), hidden in cells.items() if g == group)
