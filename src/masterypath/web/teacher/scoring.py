"""The class-scoring grid of an assessment: students x targets (or rubric criteria).

Every live score of the assessment shows in its cell, whatever its source. A fixed number of
queries whatever the size: targets with scales, criteria (with a rubric), students, live
scores, students' self-assessments (when asked for), and the sections a copy may go to.

The cells are built here rather than through the template engine: 1,500 cells through an
included template cost some 200 ms, the same markup built here a few (every text escaped).
The request attributes every cell shares sit on the table (`hx-sync`, `hx-target`,
`hx-swap`) and the student's id on the row (`hx-vals`, which htmx merges with the cell's).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from masterypath.evidence.models import Assessment, Evidence
from masterypath.evidence.selectors import (
    CellKey,
    ScoreColumn,
    assessment_columns,
    assessment_live_scores,
    scale_levels_of,
    student_list_for_scoring,
)
from masterypath.roster.models import Section, Student


def score_text(score: Decimal | None) -> str:
    """A stored score as typed: "3" for 3.00, "2.50" for 2.5."""
    if score is None:
        return ""
    if score == score.to_integral_value():
        return str(score.quantize(Decimal(1)))
    return f"{score:.2f}"


@dataclass(frozen=True)
class _ColumnParts:
    """What every cell of a column repeats, escaped once."""

    key: str  # "<target id>-<criterion id or 0>", the end of the cell's id
    label: str  # the end of the input's accessible name: "4.NF.1 Reasoning"
    vals: str  # the cell's own hx-vals (the row adds the student)


def _column_parts(column: ScoreColumn) -> _ColumnParts:
    target, criterion = column.target, column.criterion
    criterion_id = criterion.pk if criterion is not None else ""
    label = target.code + (f" {criterion.title}" if criterion is not None else "")
    return _ColumnParts(
        key=f"{target.pk}-{criterion_id or 0}",
        label=escape(label),
        vals=escape(f'{{"target": "{target.pk}", "criterion": "{criterion_id}"}}'),
    )


def _cell(save_url: str, student_id: int, name: str, column: _ColumnParts, value: str) -> str:
    """A cell's markup from escaped parts (`value` is a number as `score_text` writes it)."""
    return (
        f'<td class="score-cell" id="cell-{student_id}-{column.key}">'
        f'<input class="score-input" type="text" inputmode="decimal" autocomplete="off" '
        f'maxlength="5" size="2" name="score" value="{value}" data-saved="{value}" data-cell '
        f'aria-label="{name}, {column.label}" hx-post="{save_url}" hx-trigger="mp-save" '
        f"hx-vals='{column.vals}'><span class=\"cell-status\"></span></td>"
    )


def _name_of(student: Student) -> str:
    return escape(f"{student.given_name} {student.family_name}")


def score_cell_html(
    *, save_url: str, student: Student, column: ScoreColumn, evidence: Evidence | None
) -> SafeString:
    """One cell of the grid: an input that saves itself (htmx) and a status mark after it.

    Needs the attributes of the grid's table and row around it (see the module docstring).
    """
    value = score_text(evidence.score if evidence is not None else None)
    html = _cell(escape(save_url), student.pk, _name_of(student), _column_parts(column), value)
    return mark_safe(html)  # noqa: S308 - every text escaped in its part


def save_url_of(assessment: Assessment) -> str:
    return reverse("teacher:cell-save", args=[assessment.pk])


@dataclass
class ScoreGrid:
    assessment: Assessment
    section: Section
    columns: list[ScoreColumn]
    students: list[Student]
    live: dict[CellKey, Evidence]
    self_scores: dict[CellKey, Evidence]

    @property
    def scale_hint(self) -> str:
        """The levels a teacher may type, from the first column's scale: "1 Beginning, ..."."""
        if not self.columns:
            return ""
        return ", ".join(
            f"{level.value.normalize()} {level.label}"
            for level in scale_levels_of(self.columns[0].target)
        )

    def row_html(self) -> list[tuple[Student, SafeString, SafeString]]:
        """Per student: the row's hx-vals attribute and its cells as HTML."""
        save_url = escape(save_url_of(self.assessment))
        columns = [
            (column.target.pk, column.criterion_id, _column_parts(column))
            for column in self.columns
        ]
        live = {key: score_text(evidence.score) for key, evidence in self.live.items()}
        rows = []
        for student in self.students:
            name, student_id = _name_of(student), student.pk
            cells = "".join(
                _cell(save_url, student_id, name, parts, live.get((student_id, t, c), ""))
                for t, c, parts in columns
            )
            vals = mark_safe(f'{{"student": "{student_id}"}}')  # noqa: S308 - an integer
            rows.append((student, vals, mark_safe(cells)))  # noqa: S308 - escaped in parts
        return rows

    def self_rows(self) -> list[tuple[Student, list[str]]]:
        """Students' own ratings per column ("" where none), when any student rated."""
        if not self.self_scores:
            return []
        return [
            (
                student,
                [
                    score_text(evidence.score) if evidence is not None else ""
                    for evidence in (
                        self.self_scores.get((student.pk, column.target.pk, None))
                        for column in self.columns
                    )
                ],
            )
            for student in self.students
        ]


def score_grid_build(*, assessment: Assessment) -> ScoreGrid:
    """The grid of a section assessment with every live score in place."""
    section = assessment.section
    if section is None:
        raise ValueError("Only a section's assessment has a scoring grid.")
    live = assessment_live_scores(assessment=assessment)
    return ScoreGrid(
        assessment=assessment,
        section=section,
        columns=assessment_columns(assessment=assessment, live=live),
        students=student_list_for_scoring(section=section),
        live=live,
        self_scores=(
            assessment_live_scores(assessment=assessment, self_assessed=True)
            if assessment.allows_self_assessment
            else {}
        ),
    )
