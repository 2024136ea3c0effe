"""Charts for print: the progress report's growth lines as inline SVG, drawn on the server.

A PDF runs no script, so the report cannot use the Vega-Lite charts of the pages; this draws
the same numbers (placements by date, one line per domain) as plain SVG, with the table of
the report beside it. Colours follow the order of `LINE_COLOURS`, listed in the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Distinct on paper and for common colour-vision deficiencies (Okabe-Ito).
LINE_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 10, 26


@dataclass(frozen=True)
class PrintLine:
    label: str
    points: Sequence[tuple[date, float]]


def growth_svg(
    lines: Sequence[PrintLine], *, starts_on: date, ends_on: date, level_label: str
) -> SafeString:
    """Placement over the period per domain: x is the date, y the level (grades)."""
    drawn = [line for line in lines if line.points]
    if not drawn:
        return SafeString("")
    levels = [level for line in drawn for _, level in line.points]
    low, high = int(min(levels)), int(max(levels)) + 1
    days = max((ends_on - starts_on).days, 1)

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - starts_on).days / days

    def y(level: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - level) / max(high - low, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(level_label)}">'
    ]
    parts.extend(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
        'stroke="#c9d1d9" stroke-width="0.5"/>'
        f'<text x="{LEFT - 6}" y="{y(level) + 3:.1f}" font-size="9" text-anchor="end">'
        f"{'K' if level == 0 else level}</text>"
        for level in range(low, high + 1)
    )
    for day, anchor in ((starts_on, "start"), (ends_on, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - 8}" font-size="9" text-anchor="{anchor}">'
            f"{day.isoformat()}</text>"
        )
    for index, line in enumerate(drawn):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        shown = [(day, level) for day, level in line.points if starts_on <= day <= ends_on]
        coords = " ".join(f"{x(day):.1f},{y(level):.1f}" for day, level in shown)
        if len(shown) > 1:
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        parts.extend(
            f'<circle cx="{x(day):.1f}" cy="{y(level):.1f}" r="2.5" fill="{colour}"/>'
            for day, level in shown
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def legend(lines: Sequence[PrintLine]) -> list[tuple[str, str]]:
    """(colour, label) for each drawn line, in the order of `growth_svg`."""
    drawn = [line for line in lines if line.points]
    return [(LINE_COLOURS[i % len(LINE_COLOURS)], line.label) for i, line in enumerate(drawn)]
