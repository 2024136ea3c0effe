"""A tiny in-process events registry.

Lower apps publish what happened (an `EvidenceRecorded`); upper apps subscribe in their
AppConfig.ready(). This keeps dependencies pointing downward: a lower app never imports an
upper one, and no Django signals cross app boundaries. Every event is a frozen dataclass
declared in `masterypath.common.event_types`, so a publisher and its subscribers meet on one
typed payload instead of a string typed twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from masterypath.common.event_types import Event

E = TypeVar("E", bound=Event)

_handlers: dict[type[Event], list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call `handler(event)` each time an `event_type` is published (once per handler)."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    if handler in _handlers[event_type]:
        _handlers[event_type].remove(handler)


def subscribers(event_type: type[Event]) -> list[Callable[[Any], None]]:
    """The handlers of `event_type`, in subscription order."""
    return list(_handlers.get(event_type, ()))


def publish(event: Event) -> None:
    """Call every subscriber of the event's type in subscription order."""
    for handler in subscribers(type(event)):
        handler(event)


def publish_on_commit(event: Event) -> None:
    """Publish `event` once the current transaction commits (at once outside of one), so
    subscribers never see rows that could still roll back."""
    transaction.on_commit(lambda: publish(event))
