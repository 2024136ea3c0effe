"""Writes of the continuum that are not imports (CASE imports live in interop.case)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F

from masterypath.continuum.models import ContinuumRevision

REVISION_ID = 1

# Called in this process on every change: caches of the layout drop what they hold at once
# (the revision number tells other processes, which cannot hear this).
_listeners: list[Callable[[], None]] = []


def continuum_revision_listen(listener: Callable[[], None]) -> None:
    """Call `listener` in this process whenever the continuum changes (an upper app's cache)."""
    if listener not in _listeners:
        _listeners.append(listener)


def continuum_revision_bump() -> None:
    """Record that the continuum changed: raise the revision (inside the caller's transaction,
    so that it becomes visible with the change) and tell this process's listeners.

    Saves and deletes of continuum models call it through signals (continuum.signals); code
    that writes them in bulk (`bulk_create`, `bulk_update`, `QuerySet.update`) calls it itself.
    """
    if not ContinuumRevision.objects.filter(pk=REVISION_ID).update(number=F("number") + 1):
        ContinuumRevision.objects.get_or_create(pk=REVISION_ID, defaults={"number": 1})
    for listener in _listeners:
        listener()
