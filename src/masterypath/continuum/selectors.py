"""Reads of the continuum shared by the apps above it."""

from __future__ import annotations

from masterypath.continuum.models import ContinuumRevision
from masterypath.continuum.services import REVISION_ID


def continuum_revision() -> int:
    """The continuum's revision number (0 before any recorded change): one indexed read."""
    number = (
        ContinuumRevision.objects.filter(pk=REVISION_ID).values_list("number", flat=True).first()
    )
    return int(number or 0)
