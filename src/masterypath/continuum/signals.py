"""Every save or delete of a continuum row raises the continuum revision (see services)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from masterypath.continuum.models import (
    Competency,
    Domain,
    Framework,
    LearningTarget,
    PerformanceLevel,
    PerformanceScale,
)
from masterypath.continuum.services import continuum_revision_bump

WATCHED = (PerformanceScale, PerformanceLevel, Framework, Domain, Competency, LearningTarget)


def _changed(sender: Any, raw: bool = False, **_kwargs: Any) -> None:
    if not raw:  # fixtures being loaded: the revision table may not be there yet
        continuum_revision_bump()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"continuum-revision-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"continuum-revision-del-{model}")
