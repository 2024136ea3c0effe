"""Every event the apps publish, with its payload, in one place.

An event is a frozen dataclass; `name` is how logs and the docs call it. Publish with
`events.publish_on_commit(EvidenceRecorded(evidence_id=...))`; subscribe in an upper app's
`AppConfig.ready()` with `events.subscribe(EvidenceRecorded, handler)`. An event that nobody
subscribes to is not declared: add it with its first subscriber.

- `evidence.recorded` (`EvidenceRecorded`): one entry recorded by the evidence services (a
  score, a cell, an observation level). Mastery folds it into its pair in O(1) and refreshes
  today's placement.
- `evidence.voided` (`EvidenceVoided`): one entry voided. Mastery recomputes the pair.
- `evidence.recorded_many` (`EvidenceRecordedMany`): a batch from `evidence_record_many` (score
  CSV, OneRoster gradebook, xAPI statements). Mastery recomputes its pairs as one frame and
  today's placements of the students and domains touched, in bulk.
- `evidence.voided_many` (`EvidenceVoidedMany`): a batch voided by `evidence_void_many` (xAPI
  voiding statements). Mastery as for recorded_many.
- `mastery.recomputed` (`MasteryRecomputed`): a district's estimates and placement history
  were rebuilt. The dashboards' summaries (reports) rebuild from them.
- `roster.imported` (`RosterImported`): a OneRoster bundle changed a district's roster.
  The dashboards' summaries rebuild (students may have moved school or grade).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

# (student id, target id): whose estimate an evidence change touches.
Pair = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Event:
    """The base of every event payload."""

    name: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class EvidenceRecorded(Event):
    """One evidence row was recorded."""

    name: ClassVar[str] = "evidence.recorded"
    evidence_id: int


@dataclass(frozen=True, slots=True)
class EvidenceVoided(Event):
    """One evidence row was voided."""

    name: ClassVar[str] = "evidence.voided"
    evidence_id: int


@dataclass(frozen=True, slots=True)
class EvidenceRecordedMany(Event):
    """A batch of evidence was recorded (or updated in place by a re-sent source row).

    `pairs` holds each affected (student, target) once; `count` the rows written; `source` the
    evidence source of the batch ("import", "oneroster", "xapi", "demo", or "mixed").
    """

    name: ClassVar[str] = "evidence.recorded_many"
    pairs: tuple[Pair, ...]
    count: int
    source: str


@dataclass(frozen=True, slots=True)
class EvidenceVoidedMany(Event):
    """A batch of evidence rows was voided; `pairs` holds each affected (student, target)."""

    name: ClassVar[str] = "evidence.voided_many"
    pairs: tuple[Pair, ...]
    count: int


@dataclass(frozen=True, slots=True)
class MasteryRecomputed(Event):
    """Every estimate and placement of a district was rebuilt from evidence up to `as_of`."""

    name: ClassVar[str] = "mastery.recomputed"
    district_id: int
    as_of: date


@dataclass(frozen=True, slots=True)
class RosterImported(Event):
    """A roster import changed the district's schools, people or enrollments."""

    name: ClassVar[str] = "roster.imported"
    district_id: int


EVENT_TYPES: tuple[type[Event], ...] = (
    EvidenceRecorded,
    EvidenceVoided,
    EvidenceRecordedMany,
    EvidenceVoidedMany,
    MasteryRecomputed,
    RosterImported,
)
