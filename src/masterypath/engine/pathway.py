"""A student's next learning targets along a domain's continuum.

The next targets are the ones a student learns now: not yet proficient, at or above the level
they work at (``floor(placement) + 1``, see ``engine.wording.working_level``), and whose
preceding targets (the continuum's ``precedes`` links) are met. A preceding target is met when
the student is proficient on it, or when it sits below the working level: levels below it are
complete, and the placement counts unassessed targets there as prior learning. Candidates come
lowest level first, then in the continuum's own order; the first ``limit`` are the next ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PathTarget:
    """One target of a domain as the pathway sees it.

    ``level`` is the level the target completes (the end of a band: a K-2 target completes 2);
    ``order`` its place within that level; ``predecessors`` the ids of targets that precede it.
    """

    id: int
    level: float
    order: int
    is_proficient: bool
    predecessors: tuple[int, ...] = ()


def next_targets(targets: Sequence[PathTarget], *, working_level: int, limit: int = 3) -> list[int]:
    """Ids of the next ``limit`` targets to learn, lowest level first (see the module doc)."""
    if limit <= 0:
        return []
    by_id = {target.id: target for target in targets}

    def met(target_id: int) -> bool:
        before = by_id.get(target_id)
        # A predecessor outside the domain's listed targets is not known here: not a blocker.
        return before is None or before.is_proficient or before.level < working_level

    candidates = [
        target
        for target in targets
        if not target.is_proficient
        and target.level >= working_level
        and all(met(p) for p in target.predecessors)
    ]
    candidates.sort(key=lambda target: (target.level, target.order, target.id))
    return [target.id for target in candidates[:limit]]
