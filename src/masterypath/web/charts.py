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
                "titleFontSize": 13,
                "labelColor": "#1b1f24",
                "titleColor": "#1b1f24",
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom"},
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
