"""Chart specifications carry the view's numbers, and their tables the same numbers."""

from __future__ import annotations

from datetime import date

from masterypath.web.charts import (
    PALETTE,
    GrowthPoint,
    TrackRow,
    bar_chart,
    continuum_track,
    growth_line,
)


def test_growth_line_plots_each_placement_once() -> None:
    """Every dated placement is a point of the line and a row of the table."""
    points = [
        GrowthPoint("Math", date(2026, 9, 30), 3.25),
        GrowthPoint("Math", date(2026, 10, 31), 3.5),
    ]
    chart = growth_line(points=points, title="Growth", level_label="Level")
    assert chart.spec["data"]["values"] == [
        {"domain": "Math", "month": "2026-09-30", "level": 3.25},
        {"domain": "Math", "month": "2026-10-31", "level": 3.5},
    ]
    assert [row[2] for row in chart.table.rows] == ["3.2", "3.5"]
    assert chart.spec["description"] == chart.description


def test_track_colours_follow_the_standing() -> None:
    """Below, on and ahead map to the palette's colours, the same everywhere."""
    chart = continuum_track(
        rows=[TrackRow("Math", 3, 5, "2 grades below", "below")], title="Where I am"
    )
    point = chart.spec["layer"][2]["encoding"]["color"]["scale"]
    assert point["range"] == [PALETTE["below"], PALETTE["on"], PALETTE["ahead"]]
    assert chart.table.rows == [("Math", "grade 3", "grade 5", "2 grades below")]


def test_bar_chart_shows_shares_as_percentages() -> None:
    """Shares are plotted on 0-100% and written as percentages in the table."""
    chart = bar_chart(
        categories=["Grade 3"],
        values=[0.615],
        title="On grade level",
        value_title="Share",
        percent=True,
    )
    assert chart.spec["encoding"]["x"]["scale"] == {"domain": [0, 1]}
    assert chart.table.rows == [("Grade 3", "62%")]


def test_each_chart_has_its_own_element_ids() -> None:
    """Two charts on one page never share an id."""
    one = bar_chart(categories=["a"], values=[1], title="A", value_title="n")
    two = bar_chart(categories=["a"], values=[1], title="A", value_title="n")
    assert one.id != two.id
    assert one.spec_id != two.spec_id
