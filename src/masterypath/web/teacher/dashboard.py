"""What the section dashboard page draws from `reports.section_dashboard`: the heatmap blocks
as HTML (one block per level the students work at) and the per-target distribution chart.

The cells are built here rather than through the template engine, as the gradebook's are
(`web.teacher.gradebook`): every text is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from masterypath.engine.classroom import GroupReason
from masterypath.engine.wording import grade_gap_words, grade_name
from masterypath.groups.models import GroupBasis
from masterypath.mastery.selectors import MasteryCell
from masterypath.reports.section_dashboard import (
    BANDS,
    NO_EVIDENCE_BAND,
    GroupSuggestion,
    LevelBlock,
    SectionDashboard,
    TargetDistribution,
    TargetRow,
)
from masterypath.roster.models import Student
from masterypath.web.charts import Chart, Table, _base
from masterypath.web.teacher.gradebook import BAND_NAMES

# The gradebook's cell colours, darker for bars on white (each at least 3:1 against white).
BAND_COLOURS = {
    NO_EVIDENCE_BAND: "#8a939c",
    1: "#a4161a",
    2: "#b06a00",
    3: "#1d6b33",
    4: "#0b5c8c",
}
NO_EVIDENCE = "Not enough evidence"


def band_name(band: int) -> str:
    return BAND_NAMES.get(band, NO_EVIDENCE)


def level_heading(level: int) -> str:
    """'Grade 3 level', 'Kindergarten level'."""
    return f"{grade_name(level).capitalize()} level"


@dataclass(frozen=True)
class HeatmapBlock:
    block: LevelBlock
    rows: list[tuple[Student, SafeString]]

    @property
    def title(self) -> str:
        count = len(self.block.students)
        who = "student" if count == 1 else "students"
        level = grade_name(self.block.level)
        return f"{self.block.domain.title}: {count} {who} working at {level} level"


def _cell_html(
    pattern: str, level: int, student: Student, target: TargetRow, cell: MasteryCell | None
) -> str:
    href = pattern.format(s=student.pk, t=target.pk) + f"?level={level}"
    if cell is not None and cell.value is not None:
        band, value = f"m-{cell.band}" if cell.band else "m-none", cell.display_value
    else:
        band, value = "m-none", "&ndash;"
    if cell is not None:
        tip = escape(
            f"{cell.level_label or NO_EVIDENCE} · {cell.evidence_count} evidence · "
            f"{cell.explanation}"
        )
        count = f'<span class="n">{cell.evidence_count}</span>'
    else:
        tip, count = "No evidence yet", ""
    dom_id = f"hm-{student.pk}-{target.pk}"
    return (
        f'<td class="{band}"><a data-cell href="{href}" aria-describedby="{dom_id}">'
        f'<span class="v">{value}</span>{count}<span class="visually-hidden"> '
        f"{escape(student.given_name)} on {escape(target.code)}</span></a>"
        f'<span class="tip" role="tooltip" id="{dom_id}">{tip}</span></td>'
    )


def heatmap_blocks(dashboard: SectionDashboard) -> list[HeatmapBlock]:
    """Each level block's rows as HTML: one cell per target of that level."""
    marker_s, marker_t = 987654321, 987654322
    pattern = (
        reverse("teacher:evidence-history", args=[dashboard.section.pk, marker_s, marker_t])
        .replace(str(marker_s), "{s}")
        .replace(str(marker_t), "{t}")
    )
    result = []
    for block in dashboard.blocks:
        rows = []
        for student in block.students:
            html = "".join(
                _cell_html(
                    pattern, block.level, student, t, dashboard.cells.get((student.pk, t.pk))
                )
                for t in block.targets
            )
            rows.append((student, mark_safe(html)))  # noqa: S308 - every text escaped
        result.append(HeatmapBlock(block, rows))
    return result


def distribution_chart(rows: list[TargetDistribution], *, level: int) -> Chart:
    """One stacked bar per target: how many students are at each band, lowest first."""
    names = [band_name(b) for b in (*BANDS, NO_EVIDENCE_BAND)]
    colours = [BAND_COLOURS[b] for b in (*BANDS, NO_EVIDENCE_BAND)]
    order = {name: index for index, name in enumerate(names)}
    data: list[dict[str, Any]] = [
        {
            "target": row.target.code,
            "level": band_name(band),
            "students": count,
            "order": order[band_name(band)],
        }
        for row in rows
        for band, count in row.counts.items()
        if count
    ]
    title = f"Students at each level of the {grade_name(level)} targets"
    description = (
        f"Stacked bar chart: {title}, one bar per target, split by the level each student "
        "has reached."
    )
    spec = _base(description, height={"step": 26})
    spec.update(
        {
            "data": {"values": data},
            "mark": {"type": "bar", "height": {"band": 0.75}},
            "encoding": {
                "y": {
                    "field": "target",
                    "type": "nominal",
                    "sort": [row.target.code for row in rows],
                    "title": None,
                },
                "x": {
                    "field": "students",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": "Students",
                    "axis": {"format": "d", "tickMinStep": 1},
                },
                "color": {
                    "field": "level",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": names, "range": colours},
                },
                "order": {"field": "order", "type": "quantitative"},
                "tooltip": [
                    {"field": "target", "title": "Target"},
                    {"field": "level", "title": "Level"},
                    {"field": "students", "title": "Students"},
                ],
            },
        }
    )
    table = Table(
        caption=title,
        headers=["Target", *names],
        rows=[
            (row.target.code, *(row.counts.get(b, 0) for b in (*BANDS, NO_EVIDENCE_BAND)))
            for row in rows
        ],
    )
    return Chart(title=title, description=description, spec=spec, table=table)


@dataclass(frozen=True)
class SuggestionCard:
    """A suggested group as the page offers it: why, who, and the name it is saved under."""

    suggestion: GroupSuggestion
    reason: str
    name: str
    basis: str
    focus_target_id: int | None


def suggestion_cards(dashboard: SectionDashboard) -> list[SuggestionCard]:
    """Each suggestion with a default name ("4.NF.2 group 1", "1 grade below group 2")."""
    numbers: dict[str, int] = {}
    cards = []
    for suggestion in dashboard.suggestions:
        if suggestion.reason == GroupReason.TARGET and suggestion.target is not None:
            target = suggestion.target
            stem = target.code
            reason = f"Next target {target.code}: {target.statement}"
            basis, focus = GroupBasis.TARGET, target.pk
        else:
            gap = grade_gap_words(suggestion.gap or 0)
            stem = gap[:1].upper() + gap[1:]
            reason = f"{stem} in {suggestion.domain.title}, with different next targets"
            basis, focus = GroupBasis.GAP, None
        numbers[stem] = numbers.get(stem, 0) + 1
        name = f"{stem} group {numbers[stem]}"
        cards.append(SuggestionCard(suggestion, reason, name, str(basis), focus))
    return cards
