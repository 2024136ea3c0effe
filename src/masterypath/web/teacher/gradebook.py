"""The standards gradebook of a section: students x targets, each cell the current mastery.

Columns are the targets of the course's frameworks at one continuum level (the course's grade
by default), grouped by domain and competency. A fixed number of queries whatever the size:
students, targets, then the mastery selector's own fixed set. A cell's number, label, colour
and "proficient" all come from the one level rule (`engine.levels`, via the selector).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from itertools import groupby

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from masterypath.continuum.models import LearningTarget
from masterypath.evidence.selectors import (
    default_level_for_section,
    student_list_for_scoring,
    target_list_for_section,
)
from masterypath.mastery.selectors import MasteryCell, mastery_cells_for_section
from masterypath.roster.models import Section, Student


@dataclass(frozen=True)
class Span:
    title: str
    span: int


@dataclass(frozen=True)
class Cell:
    student: Student
    target: LearningTarget
    mastery: MasteryCell | None
    band: str  # css class: m-none, m-1 (lowest) .. m-3 (proficient), m-4 (above proficient)

    @property
    def dom_id(self) -> str:
        return f"gb-{self.student.pk}-{self.target.pk}"


@dataclass
class Gradebook:
    section: Section
    level: int
    targets: list[LearningTarget]
    domains: list[Span] = field(default_factory=list)
    competencies: list[Span] = field(default_factory=list)
    rows: list[tuple[Student, list[Cell]]] = field(default_factory=list)
    proficient_counts: list[int] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)

    def row_html(self) -> list[tuple[Student, SafeString]]:
        """Each row's cells as HTML. 2,000 cells through the template engine cost ~1 s; the
        same markup built here costs a few ms (every text is escaped)."""
        student_marker, target_marker = 987654321, 987654322
        pattern = reverse(
            "teacher:evidence-history", args=[self.section.pk, student_marker, target_marker]
        )
        pattern = pattern.replace(str(student_marker), "{s}").replace(str(target_marker), "{t}")
        level = f"?level={self.level}"
        result = []
        for student, cells in self.rows:
            given = escape(student.given_name)
            parts = []
            for cell in cells:
                mastery = cell.mastery
                href = pattern.format(s=student.pk, t=cell.target.pk) + level
                if mastery is not None and mastery.value is not None:
                    value = f'<span class="v">{mastery.display_value}</span>'
                else:
                    value = '<span class="v">&ndash;</span>'
                if mastery is not None:
                    count = f'<span class="n">{mastery.evidence_count}</span>'
                    tip = escape(
                        f"{mastery.level_label or 'Not enough evidence'} · "
                        f"{mastery.evidence_count} evidence · {mastery.explanation}"
                    )
                else:
                    count, tip = "", "No evidence yet"
                dom_id = cell.dom_id
                parts.append(
                    f'<td class="{cell.band}"><a data-cell href="{href}" '
                    f'aria-describedby="{dom_id}">{value}{count}<span class="visually-hidden"> '
                    f'{given} on {escape(cell.target.code)}</span></a><span class="tip" '
                    f'role="tooltip" id="{dom_id}">{tip}</span></td>'
                )
            result.append((student, mark_safe("".join(parts))))  # noqa: S308 - escaped above
        return result


def _band(mastery: MasteryCell | None) -> str:
    """The cell's colour class, from the level rule's band (see `engine.levels`)."""
    if mastery is None or mastery.value is None or not mastery.band:
        return "m-none"
    return f"m-{mastery.band}"


# What each colour means where no cell of the page says otherwise (a 1-4 scale's levels).
BAND_NAMES = {1: "Beginning", 2: "Developing", 3: "Proficient", 4: "Advanced"}


def _legend(cells: list[MasteryCell]) -> list[tuple[int, str]]:
    """Each colour band with the labels its cells carry on this page ("Proficient, Mastered"
    where a BKT target sits beside a rubric-scale one), else the band's usual name."""
    labels: dict[int, set[str]] = {band: set() for band in BAND_NAMES}
    for cell in cells:
        if cell.band in labels and cell.level_label:
            labels[cell.band].add(cell.level_label)
    return [(band, ", ".join(sorted(labels[band])) or name) for band, name in BAND_NAMES.items()]


def gradebook_build(
    *, section: Section, level: int | None = None, targets: list[LearningTarget] | None = None
) -> Gradebook:
    """The gradebook at `level` (default: the course's lowest grade), or for given targets."""
    if level is None:
        level = default_level_for_section(section=section)
    if targets is None:
        targets = target_list_for_section(section=section, level=level)
    students = student_list_for_scoring(section=section)
    cells = mastery_cells_for_section(section=section, target_ids=[t.pk for t in targets])
    book = Gradebook(section=section, level=level, targets=targets)
    for title, group in groupby(targets, key=lambda t: t.competency.domain):
        book.domains.append(Span(str(title), len(list(group))))
    for title, group in groupby(targets, key=lambda t: t.competency):
        book.competencies.append(Span(str(title), len(list(group))))
    proficient = [0] * len(targets)
    for student in students:
        row = []
        for index, target in enumerate(targets):
            mastery = cells.get((student.pk, target.pk))
            row.append(Cell(student=student, target=target, mastery=mastery, band=_band(mastery)))
            if mastery is not None and mastery.is_proficient:
                proficient[index] += 1
        book.rows.append((student, row))
    book.proficient_counts = proficient
    book.legend = _legend(list(cells.values()))
    return book
