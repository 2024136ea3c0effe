"""The sourcedIds of rows authored here, and reading them back.

A row that came from a OneRoster import keeps its `sourcedId` in `source_id`. A row created in
masterypath has none, so the exporter names it `mp-<kind>-<id>` (`mp-school-3`,
`mp-evidence-917`). The importer reads those names back to the same row of the same district,
so that re-importing the project's own export changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

_OWN = re.compile(r"mp-([a-z]+)-([0-9]+)")


class _Sourced(Protocol):
    @property
    def pk(self) -> int: ...

    @property
    def source_id(self) -> str: ...


S = TypeVar("S", bound=_Sourced)


def export_sid(row: _Sourced, kind: str) -> str:
    """The sourcedId the exporter writes for `row`: its own, else `mp-<kind>-<pk>`."""
    return str(row.source_id or f"mp-{kind}-{row.pk}")


def own_export_pk(source_id: str, kind: str) -> int | None:
    """The primary key an `mp-<kind>-<pk>` sourcedId names, or None for any other id."""
    match = _OWN.fullmatch(source_id)
    if match is None or match.group(1) != kind:
        return None
    return int(match.group(2))


def by_export_sid(rows: Iterable[S], kind: str) -> dict[str, S]:
    """`rows` keyed by the sourcedId the exporter gives them (`export_sid`), so that a bundle
    naming `mp-<kind>-<pk>` finds the row it was exported from. Pass rows of one district
    only: an `mp-` id of another district's row must not match."""
    return {export_sid(row, kind): row for row in rows}
