"""A tiny in-process events registry.

Lower apps publish what happened ("evidence.recorded"); upper apps subscribe in their
AppConfig.ready(). This keeps dependencies pointing downward: a lower app never imports an
upper one, and no Django signals cross app boundaries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    """Call `handler(**payload)` each time `event` is published (once per handler)."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    if handler in _handlers[event]:
        _handlers[event].remove(handler)


def publish(event: str, **payload: Any) -> None:
    """Call every subscriber of `event` in subscription order."""
    for handler in list(_handlers[event]):
        handler(**payload)
