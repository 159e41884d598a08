"""The faq/ snapshot bound to the message being handled, so texts and command words follow it.

Like a request context: the Assistant binds the snapshot for each message and the scheduler
for each pass (``using``); code deep in a handler reads it through ``texts`` and ``words``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content.library import Snapshot

_snapshot: ContextVar[Snapshot | None] = ContextVar("snapshot", default=None)


@contextmanager
def using(snapshot: Snapshot) -> Iterator[None]:
    """Within this block, texts and command words come from ``snapshot``."""
    token = _snapshot.set(snapshot)
    try:
        yield
    finally:
        _snapshot.reset(token)


def bound() -> Snapshot | None:
    """The snapshot of the message being handled; None outside one (a CLI command, a test)."""
    return _snapshot.get()
