"""Charts for pages: Vega-Lite specifications built from view data, each with its table.

A page passes `Chart` objects to the `web/_chart.html` include, which writes the specification
as JSON data (no inline script), an accessible description, and the same numbers as a table
for screen readers and for anyone who would rather read them. `static/web/charts.js` renders
every chart with vega-embed (vendored, see static/vendor/vega/SOURCES.md) as SVG, evaluating
expressions without eval so that a strict Content-Security-Policy holds.

Colours come from one palette, so a level has the same colour on every chart and table.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# Colour-blind-safe, WCAG AA on white for text-sized marks (checked against #fff: >= 4.5:1).
PALETTE = {
    "below": "#a4161a",  # 2+ grades below / not yet
    "near": "#7a4b00",  # 1 grade below / developing
    "on": "#1d6b33",  # on grade level / proficient
    "ahead": "#0b5c8c",  # ahead / advanced
    "expected": "#4a5560",  # the expectation line or tick
    "neutral": "#4a5560",
}

_ids = itertools.count(1)


def _next_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


@dataclass(frozen=True)
class Table:
    """The chart's numbers as rows; `caption` says what they are."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Chart:
    """One chart: its Vega-Lite spec, a one-sentence description, and its table."""

    title: str
    description: str
    spec: dict[str, Any]
    table: Table
    id: str = field(default_factory=lambda: _next_id("chart"))

    @property
    def spec_id(self) -> str:
        return f"{self.id}-spec"


def _base(
    description: str, *, width: Any = "container", height: int | dict[str, int] = 220
) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": {
            "font": "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
            "axis": {
                "labelFontSize": 12,
                "labelLimit": 260,
                "titleFontSize": 13,
                "labelColor": "#1b1f24",
                "titleColor": "#1b1f24",
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "orient": "bottom",
                "labelLimit": 320,
            },
            "view": {"stroke": None},
        },
    }


@dataclass(frozen=True)
class GrowthPoint:
    """One dated placement of one domain (a month end, or today)."""

    domain: str
    on: date
    placement: float


def growth_line(*, points: Sequence[GrowthPoint], title: str, level_label: str) -> Chart:
    """Placement by month, one line per domain: how a student has grown over time."""
    values = [
        {"domain": p.domain, "month": p.on.isoformat(), "level": round(p.placement, 2)}
        for p in points
    ]
    description = _("Line chart of the level reached each month, one line per area.")
    spec = _base(description)
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True, "strokeWidth": 3},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "temporal",
                    "title": None,
                    "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 6},
                },
                "y": {
                    "field": "level",
                    "type": "quantitative",
                    "title": level_label,
                    "scale": {"zero": False},
                },
                "color": {"field": "domain", "type": "nominal", "title": None},
                "tooltip": [
                    {"field": "domain", "title": _("Area")},
                    {"field": "month", "type": "temporal", "title": _("Month"), "format": "%B %Y"},
                    {"field": "level", "title": level_label, "format": ".1f"},
                ],
            },
        }
    )
    table = Table(
        caption=title,
        headers=[_("Area"), _("Month"), level_label],
        rows=[(p.domain, p.on, f"{p.placement:.1f}") for p in points],
    )
    return Chart(title=title, description=description, spec=spec, table=table)


@dataclass(frozen=True)
class TrackRow:
    """A domain's track: where the student works now and where their grade expects."""

    domain: str
    working_level: float
    expected_level: float
    relation: str  # "2 grades below"
    standing: str  # engine.wording.Standing value


def continuum_track(*, rows: Sequence[TrackRow], title: str, top_level: int = 12) -> Chart:
    """One horizontal track per domain from kindergarten to grade 12, with a dot where the
    student works now and a tick at the grade-level expectation."""
    values = [
        {
            "domain": r.domain,
            "working": r.working_level,
            "expected": r.expected_level,
            "relation": r.relation,
            "standing": r.standing,
        }
        for r in rows
    ]
    description = _(
        "For each area, a track of grade levels with a dot where the student is working now "
        "and a mark at the level expected for their grade."
    )
    spec = _base(description, height={"step": 46})
    level_axis = {
        "scale": {"domain": [0, top_level]},
        "axis": {
            "values": list(range(top_level + 1)),
            "labelExpr": "datum.value == 0 ? 'K' : datum.label",
            "title": _("Grade level"),
            "grid": True,
        },
    }
    standing_colours = {
        "domain": ["below", "on", "ahead"],
        "range": [PALETTE["below"], PALETTE["on"], PALETTE["ahead"]],
    }
    spec.update(
        {
            "data": {"values": values},
            "encoding": {"y": {"field": "domain", "type": "nominal", "title": None, "sort": None}},
            "layer": [
                {
                    "mark": {"type": "rule", "strokeWidth": 6, "color": "#e3e8ed"},
                    "encoding": {"x": {"datum": 0, **level_axis}, "x2": {"datum": top_level}},
                },
                {
                    "mark": {
                        "type": "tick",
                        "thickness": 3,
                        "size": 26,
                        "color": PALETTE["expected"],
                    },
                    "encoding": {"x": {"field": "expected", "type": "quantitative", **level_axis}},
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 220, "opacity": 1},
                    "encoding": {
                        "x": {"field": "working", "type": "quantitative", **level_axis},
                        "color": {
                            "field": "standing",
                            "type": "nominal",
                            "scale": standing_colours,
                            "legend": None,
                        },
                        "tooltip": [
                            {"field": "domain", "title": _("Area")},
                            {"field": "relation", "title": _("Compared with grade level")},
                        ],
                    },
                },
            ],
        }
    )
    table = Table(
        caption=title,
        headers=[_("Area"), _("Working at"), _("Expected"), _("Compared with grade level")],
        rows=[
            (r.domain, _level_text(r.working_level), _level_text(r.expected_level), r.relation)
            for r in rows
        ],
    )
    return Chart(title=title, description=description, spec=spec, table=table)


def _level_text(level: float) -> str:
    whole = int(level)
    if whole == level:
        return _("kindergarten") if whole == 0 else _("grade %(grade)s") % {"grade": whole}
    return f"{level:.1f}"


def bar_chart(
    *,
    categories: Sequence[str],
    values: Sequence[float],
    title: str,
    value_title: str,
    percent: bool = False,
    colour: str = PALETTE["ahead"],
) -> Chart:
    """Horizontal bars, one per category (a share of students per grade, counts per level)."""
    data = [{"category": c, "value": v} for c, v in zip(categories, values, strict=True)]
    description = _("Bar chart: %(title)s.") % {"title": title}
    spec = _base(description, height={"step": 34})
    axis_format = ".0%" if percent else "d"
    spec.update(
        {
            "data": {"values": data},
            "mark": {"type": "bar", "color": colour, "height": {"band": 0.7}},
            "encoding": {
                "y": {"field": "category", "type": "nominal", "title": None, "sort": None},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"format": axis_format, "tickCount": 5},
                    **({"scale": {"domain": [0, 1]}} if percent else {}),
                },
                "tooltip": [
                    {"field": "category", "title": title},
                    {"field": "value", "title": value_title, "format": axis_format},
                ],
            },
        }
    )
    table = Table(
        caption=title,
        headers=[title, value_title],
        rows=[
            (c, f"{v:.0%}" if percent else f"{v:g}")
            for c, v in zip(categories, values, strict=True)
        ],
    )
    return Chart(title=title, description=description, spec=spec, table=table)


# ---------------------------------------------------------------------------------------------
# Charts of the leader dashboards (school, district, equity): many rows at once.

# Series colours for lines and bars: distinguishable, each at least 3:1 against white
# (WCAG 1.4.11, graphical objects); the expectation is always the dashed grey.
SERIES_COLOURS = (
    "#0b5c8c",
    "#a4161a",
    "#1d6b33",
    "#7a4b00",
    "#6a3d9a",
    "#c51b7d",
    "#00727a",
    "#8c5a00",
    "#3b4cc0",
)
BAND_COLOURS = {
    "2 or more grades below": PALETTE["below"],
    "1 grade below": "#d08a00",
    "On grade level": PALETTE["on"],
    "Ahead of grade level": PALETTE["ahead"],
}


def _pivot(
    values: Sequence[tuple[str, str, float]],
    rows: Sequence[str],
    columns: Sequence[str],
    fmt: str,
) -> list[list[str]]:
    found = {(row, column): value for row, column, value in values}
    return [
        [row, *(format(found[(row, c)], fmt) if (row, c) in found else "\u2013" for c in columns)]
        for row in rows
    ]


def heatmap(
    *,
    values: Sequence[tuple[str, str, float]],
    rows: Sequence[str],
    columns: Sequence[str],
    title: str,
    value_title: str,
    row_title: str,
    column_title: str,
) -> Chart:
    """A grid of shares (0-1): one row per ``rows`` item, one column per ``columns`` item, the
    share written in each cell and shaded by it; a missing pair stays blank (hidden or none)."""
    data = [{"row": r, "column": c, "value": round(v, 4)} for r, c, v in values]
    description = _("Grid of shares: %(title)s.") % {"title": title}
    spec = _base(description, height={"step": 40})
    encoding_x = {
        "field": "column",
        "type": "nominal",
        "sort": list(columns),
        "title": column_title,
        "axis": {"orient": "top", "labelAngle": 0},
    }
    encoding_y = {"field": "row", "type": "nominal", "sort": list(rows), "title": None}
    spec.update(
        {
            "data": {"values": data},
            "encoding": {"x": encoding_x, "y": encoding_y},
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 2},
                    "encoding": {
                        "color": {
                            "field": "value",
                            "type": "quantitative",
                            "title": value_title,
                            # Light enough that dark text reads on every shade (>= 4.5:1).
                            "scale": {"domain": [0, 1], "range": ["#f4f8fb", "#6f9cc2"]},
                            "legend": {"format": ".0%"},
                        },
                        "tooltip": [
                            {"field": "row", "title": row_title},
                            {"field": "column", "title": column_title},
                            {"field": "value", "title": value_title, "format": ".0%"},
                        ],
                    },
                },
                {
                    "mark": {
                        "type": "text",
                        "fontSize": 13,
                        "fontWeight": "bold",
                        "color": "#1b1f24",
                    },
                    "encoding": {
                        "text": {"field": "value", "type": "quantitative", "format": ".0%"},
                    },
                },
            ],
        }
    )
    table = Table(
        caption=title,
        headers=[row_title, *columns],
        rows=_pivot(values, rows, columns, ".0%"),
    )
    return Chart(title=title, description=description, spec=spec, table=table)


def stacked_bars(
    *,
    values: Sequence[tuple[str, str, float]],
    rows: Sequence[str],
    stacks: Sequence[str],
    title: str,
    value_title: str,
    row_title: str,
    colours: Sequence[str] | None = None,
) -> Chart:
    """One horizontal bar per row split into its shares (0-1), in the order of ``stacks``
    (from below grade level to ahead, say), each part in its colour."""
    order = {name: index for index, name in enumerate(stacks)}
    data = [
        {"row": r, "part": part, "value": round(v, 4), "order": order[part]}
        for r, part, v in values
    ]
    description = _("Stacked bar chart: %(title)s.") % {"title": title}
    spec = _base(description, height={"step": 30})
    range_ = list(colours) if colours else [BAND_COLOURS.get(s, PALETTE["neutral"]) for s in stacks]
    spec.update(
        {
            "data": {"values": data},
            "mark": {"type": "bar", "height": {"band": 0.75}},
            "encoding": {
                "y": {"field": "row", "type": "nominal", "sort": list(rows), "title": None},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": value_title,
                    "scale": {"domain": [0, 1]},
                    "axis": {"format": ".0%", "tickCount": 5},
                },
                "color": {
                    "field": "part",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": list(stacks), "range": range_},
                },
                "order": {"field": "order", "type": "quantitative"},
                "tooltip": [
                    {"field": "row", "title": row_title},
                    {"field": "part", "title": _("Group")},
                    {"field": "value", "title": value_title, "format": ".0%"},
                ],
            },
        }
    )
    table = Table(
        caption=title, headers=[row_title, *stacks], rows=_pivot(values, rows, stacks, ".0%")
    )
    return Chart(title=title, description=description, spec=spec, table=table)


def line_chart(
    *,
    values: Sequence[tuple[str, str, float]],
    series: Sequence[str],
    title: str,
    value_title: str,
    percent: bool = False,
    dashed: Sequence[str] = (),
    zero_line: bool = False,
    signed: bool = False,
) -> Chart:
    """Lines over time: ``values`` are (series, ISO date, value); one line per ``series`` item
    in its colour, ``dashed`` ones (the expectation) dashed grey; ``zero_line`` draws the
    zero (all students, for gaps). ``percent`` reads values as shares; ``signed`` as points."""
    colours = [
        PALETTE["expected"] if name in dashed else SERIES_COLOURS[i % len(SERIES_COLOURS)]
        for i, name in enumerate(series)
    ]
    data = [
        {
            "series": s,
            "month": day,
            "value": round(v, 4),
            "style": "dashed" if s in dashed else "solid",
        }
        for s, day, v in values
    ]
    description = _("Line chart: %(title)s.") % {"title": title}
    spec = _base(description, height=260)
    value_format = ".0%" if percent else ("+.0f" if signed else ".1f")
    y_axis: dict[str, Any] = {"format": value_format, "tickCount": 6}
    lines = {
        "mark": {"type": "line", "point": True, "strokeWidth": 3},
        "encoding": {
            "x": {
                "field": "month",
                "type": "temporal",
                "title": None,
                "axis": {
                    "format": "%b %Y",
                    "labelAngle": 0,
                    "tickCount": {"interval": "month", "step": 1},
                    "labelOverlap": "greedy",
                },
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": y_axis,
                "scale": {"zero": not signed, **({"domain": [0, 1]} if percent else {})},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": list(series), "range": colours},
            },
            "strokeDash": {
                "field": "style",
                "type": "nominal",
                "scale": {"domain": ["solid", "dashed"], "range": [[1, 0], [6, 4]]},
                "legend": None,
            },
            "tooltip": [
                {"field": "series", "title": _("Line")},
                {"field": "month", "type": "temporal", "title": _("Month"), "format": "%B %Y"},
                {"field": "value", "title": value_title, "format": value_format},
            ],
        },
    }
    layers: list[dict[str, Any]] = [lines]
    if zero_line:
        layers.insert(
            0,
            {
                "mark": {"type": "rule", "color": PALETTE["expected"], "strokeWidth": 2},
                "encoding": {"y": {"datum": 0}},
            },
        )
    spec.update({"data": {"values": data}, "layer": layers})
    months = sorted({day for _, day, _ in values})
    found = {(s, day): v for s, day, v in values}
    table_format = ".0%" if percent else ("+.0f" if signed else ".1f")
    table = Table(
        caption=title,
        headers=[_("Month"), *series],
        rows=[
            [
                date.fromisoformat(day).strftime("%b %Y"),
                *(
                    format(found[(s, day)], table_format) if (s, day) in found else "\u2013"
                    for s in series
                ),
            ]
            for day in months
        ],
    )
    return Chart(title=title, description=description, spec=spec, table=table)


def bars_with_reference(
    *,
    categories: Sequence[str],
    values: Sequence[float | None],
    reference: float | None,
    reference_label: str,
    title: str,
    value_title: str,
) -> Chart:
    """Horizontal bars of shares (0-1) per category with a line at the reference (all
    students); a category without a value (hidden) gets no bar and reads "hidden"."""
    data = [
        {"category": c, "value": round(v, 4)}
        for c, v in zip(categories, values, strict=True)
        if v is not None
    ]
    description = _("Bar chart: %(title)s, with a line at %(reference)s.") % {
        "title": title,
        "reference": reference_label,
    }
    spec = _base(description, height={"step": 30})
    x = {
        "field": "value",
        "type": "quantitative",
        "title": value_title,
        "scale": {"domain": [0, 1]},
        "axis": {"format": ".0%", "tickCount": 5},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "color": PALETTE["ahead"], "height": {"band": 0.7}},
            "encoding": {
                "y": {
                    "field": "category",
                    "type": "nominal",
                    "sort": list(categories),
                    "title": None,
                    "axis": {"labelLimit": 280},
                },
                "x": x,
                "tooltip": [
                    {"field": "category", "title": _("Group")},
                    {"field": "value", "title": value_title, "format": ".0%"},
                ],
            },
        }
    ]
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"reference": reference}]},
                "mark": {
                    "type": "rule",
                    "color": PALETTE["below"],
                    "strokeWidth": 3,
                    "strokeDash": [6, 3],
                },
                "encoding": {"x": {"field": "reference", "type": "quantitative"}},
            }
        )
        layers.append(
            {
                "data": {
                    "values": [
                        {"reference": reference, "label": f"{reference_label} {reference:.0%}"}
                    ]
                },
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 6,
                    "dy": -6,
                    "y": 0,
                    "color": PALETTE["below"],
                    "fontWeight": "bold",
                },
                "encoding": {
                    "x": {"field": "reference", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            }
        )
    spec.update({"data": {"values": data}, "layer": layers})
    table = Table(
        caption=title,
        headers=[_("Group"), value_title],
        rows=[
            (c, f"{v:.0%}" if v is not None else _("hidden"))
            for c, v in zip(categories, values, strict=True)
        ]
        + ([(reference_label, f"{reference:.0%}")] if reference is not None else []),
    )
    return Chart(title=title, description=description, spec=spec, table=table)


@dataclass(frozen=True)
class ProgressMark:
    """One progress point: a probe score or a placement from evidence."""

    on: date
    level: float
    source: str


def aim_line_chart(
    *,
    title: str,
    start: date,
    baseline: float,
    goal_on: date,
    goal: float,
    points: Sequence[ProgressMark],
    level_label: str,
) -> Chart:
    """Progress monitoring: the goal (aim) line from the baseline to the goal, dashed, and the
    student's progress points joined by a line."""
    goal_series, progress_series = _("Goal line"), _("Progress")
    values = [
        {"series": goal_series, "on": start.isoformat(), "level": round(baseline, 2)},
        {"series": goal_series, "on": goal_on.isoformat(), "level": round(goal, 2)},
    ] + [
        {"series": progress_series, "on": p.on.isoformat(), "level": round(p.level, 2)}
        for p in points
    ]
    description = _(
        "Line chart of the student's level over time (solid) against the goal line (dashed) "
        "from the starting level to the goal."
    )
    spec = _base(description, height=200)
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [goal_series, progress_series],
            "range": [PALETTE["expected"], PALETTE["ahead"]],
        },
    }
    x = {
        "field": "on",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%d %b", "labelAngle": 0, "tickCount": 5},
    }
    y = {"field": "level", "type": "quantitative", "title": level_label, "scale": {"zero": False}}
    tooltip = [
        {"field": "series", "title": _("Line")},
        {"field": "on", "type": "temporal", "title": _("Date"), "format": "%d %B %Y"},
        {"field": "level", "title": level_label, "format": ".2f"},
    ]
    spec.update(
        {
            "data": {"values": values},
            "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            "layer": [
                {
                    "transform": [{"filter": {"field": "series", "equal": goal_series}}],
                    "mark": {"type": "line", "strokeDash": [6, 4], "strokeWidth": 2},
                },
                {
                    "transform": [{"filter": {"field": "series", "equal": progress_series}}],
                    "mark": {"type": "line", "point": True, "strokeWidth": 3},
                },
            ],
        }
    )
    table = Table(
        caption=title,
        headers=[_("Date"), level_label, _("Source")],
        rows=[(start, f"{baseline:.2f}", _("Starting level")), (goal_on, f"{goal:.2f}", _("Goal"))]
        + [
            (p.on, f"{p.level:.2f}", _("Probe") if p.source == "check" else _("Evidence"))
            for p in points
        ],
    )
    return Chart(title=title, description=description, spec=spec, table=table)
