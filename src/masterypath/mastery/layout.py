"""The continuum as placement reads it, kept in memory per process.

Placing a student needs, for each target of a domain, its placement level, whether it is a
top-level target and the levels of its framework's scale, and per level how many targets
count. Rebuilding that from the database on every score cost most of a score's time (a large
domain has hundreds of targets). `continuum_layout()` returns the process's copy after one
small read of the continuum revision: any change to the continuum (a save or delete through
signals, a CASE import in bulk) raises the revision in its own transaction, so every process
reloads on its next read, and the process that made the change drops its copy at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from masterypath.continuum.models import LearningTarget, PerformanceScale
from masterypath.continuum.selectors import continuum_revision
from masterypath.continuum.services import continuum_revision_listen
from masterypath.mastery.config import TargetScale, scale_of


@dataclass(frozen=True, slots=True)
class TargetPlace:
    """What placement and the method policy need of one target."""

    target_id: int
    domain_id: int
    framework_id: int
    scale_id: int
    is_top: bool  # no parent target: only top-level targets count toward a placement
    level: float  # the level it completes (the end of its band)


@dataclass(frozen=True, slots=True)
class DomainLayout:
    """A domain's targets by id and, per level, how many top-level targets still count."""

    domain_id: int
    places: dict[int, TargetPlace]
    totals: dict[float, int]


@dataclass
class ContinuumLayout:
    """The layouts loaded so far at one continuum revision; filled domain by domain."""

    revision: int
    domains: dict[int, DomainLayout] = field(default_factory=dict)
    domain_of: dict[int, int] = field(default_factory=dict)
    scales: dict[int, TargetScale] = field(default_factory=dict)

    def place(self, target_id: int) -> TargetPlace:
        """The target's place (its whole domain loaded on first use: one query)."""
        domain_id = self.domain_of.get(target_id)
        if domain_id is None:
            domain_id = (
                LearningTarget.objects.filter(pk=target_id)
                .values_list("competency__domain_id", flat=True)
                .get()
            )
        return self.domain(domain_id).places[target_id]

    def domain(self, domain_id: int) -> DomainLayout:
        layout = self.domains.get(domain_id)
        if layout is None:
            layout = self.domains[domain_id] = _load_domain(domain_id)
            self.domain_of.update(dict.fromkeys(layout.places, domain_id))
        return layout

    def scale(self, scale_id: int) -> TargetScale:
        """A framework scale's levels (one query on first use)."""
        scale = self.scales.get(scale_id)
        if scale is None:
            scale = self.scales[scale_id] = scale_of(
                PerformanceScale.objects.prefetch_related("levels").get(pk=scale_id)
            )
        return scale


def _load_domain(domain_id: int) -> DomainLayout:
    places: dict[int, TargetPlace] = {}
    totals: dict[float, int] = {}
    rows = LearningTarget.objects.filter(competency__domain_id=domain_id).values_list(
        "pk",
        "competency__domain__framework_id",
        "competency__domain__framework__scale_id",
        "parent_id",
        "level",
        "level_high",
        "is_retired",
    )
    for pk, framework_id, scale_id, parent_id, low, high, is_retired in rows:
        level = float(high if high is not None else low)
        places[pk] = TargetPlace(pk, domain_id, framework_id, scale_id, parent_id is None, level)
        if parent_id is None and not is_retired:
            totals[level] = totals.get(level, 0) + 1
    return DomainLayout(domain_id, places, totals)


_lock = threading.Lock()
_current: ContinuumLayout | None = None


def _forget() -> None:
    global _current  # the process's one cache
    with _lock:
        _current = None


continuum_revision_listen(_forget)


def continuum_layout() -> ContinuumLayout:
    """This process's layout, valid for the continuum as committed now (one query)."""
    global _current  # the process's one cache
    revision = continuum_revision()
    with _lock:
        if _current is None or _current.revision != revision:
            _current = ContinuumLayout(revision)
        return _current


def continuum_layout_forget() -> None:
    """Drop this process's layout (tests; a change the revision could not see)."""
    _forget()
