"""Tables of the leader dashboards, one object for the page and for its CSV export.

A page shows a `ReportTable`; the CSV export of the same table writes the same cells (the
`value` of each cell where it has one, so that a spreadsheet gets numbers), with hidden cells
written as ``suppressed``: what a page hides, the export hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

HIDDEN_TEXT = "Hidden"
HIDDEN_VALUE = "suppressed"
NONE_TEXT = "\u2013"


@dataclass(frozen=True)
class Cell:
    """One cell: what the page shows, what the CSV writes, and whether it is hidden."""

    text: str
    value: object = None
    is_hidden: bool = False
    css: str = ""
    href: str = ""
    title: str = ""

    @property
    def export_value(self) -> object:
        if self.is_hidden:
            return HIDDEN_VALUE
        return self.text if self.value is None else self.value


HIDDEN = Cell(HIDDEN_TEXT, is_hidden=True, css="hidden-cell")
EMPTY = Cell(NONE_TEXT, value="")


@dataclass(frozen=True)
class ReportTable:
    """A table with a caption; the first cell of each row is the row's header."""

    key: str
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    note: str = ""
    export_headers: Sequence[str] = field(default=())

    @property
    def has_hidden(self) -> bool:
        return any(cell.is_hidden for row in self.rows for cell in row)

    def csv_rows(self) -> list[list[object]]:
        headers: list[object] = list(self.export_headers or self.headers)
        return [headers, *([cell.export_value for cell in row] for row in self.rows)]


def percent(part: int, whole: int) -> str:
    """'64%' (whole percentages, as a person reads a share)."""
    return f"{round(100 * part / whole)}%" if whole else NONE_TEXT


def share_cell(part: int, whole: int, *, hidden: bool, detail: bool = True) -> Cell:
    """'64% of 72' (the share and how many students it is of), or hidden."""
    if hidden:
        return HIDDEN
    if whole == 0:
        return EMPTY
    text = f"{percent(part, whole)} of {whole}" if detail else percent(part, whole)
    return Cell(text, value=round(part / whole, 4), title=f"{part} of {whole} students")


def number_cell(value: float | None, *, hidden: bool = False, decimals: int = 1) -> Cell:
    if hidden:
        return HIDDEN
    if value is None:
        return EMPTY
    return Cell(f"{value:.{decimals}f}", value=round(value, 4))


def count_cell(value: int, *, hidden: bool = False) -> Cell:
    return HIDDEN if hidden else Cell(f"{value:,}", value=value)


def text_cell(text: str, **kwargs: object) -> Cell:
    return Cell(text, **kwargs)  # type: ignore[arg-type]


def points_cell(points: float | None, *, hidden: bool = False) -> Cell:
    """A gap in percentage points: '-12 points', '+3 points', 'no gap'."""
    if hidden:
        return HIDDEN
    if points is None:
        return EMPTY
    shown = round(points)
    if shown == 0:
        return Cell("no gap", value=0, css="gap-none")
    sign = "+" if shown > 0 else "\u2212"
    unit = "point" if abs(shown) == 1 else "points"
    return Cell(
        f"{sign}{abs(shown)} {unit}",
        value=round(points, 2),
        css="gap-below" if shown < 0 else "gap-above",
    )
