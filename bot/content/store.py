"""Holds what was loaded from faq/ and swaps in a new load when staff edit a file there.

An edit that does not load keeps the previous version in service (the assistant keeps
answering) and is reported through ``last_error``. What else the value is made of (the
console's edits in the database) is watched through a cheap ``stamp`` checked with the files.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

from bot.content.files import ContentError

log = logging.getLogger(__name__)
T = TypeVar("T")


Signature = tuple[tuple[str, int, int], ...]


def signature(folder: Path) -> Signature:
    """Every file's path, modification time and size: a change to any of them is an edit."""
    out = []
    try:
        paths = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError:
        return ()
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue  # vanished between listing and stat: the next check sees it
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


class ReloadingStore(Generic[T]):
    """Thread-safe; `current()` is cheap and looks at the files at most every `check_interval` s."""

    def __init__(self, folder: Path, load: Callable[[Path], T], *, check_interval: float = 1.0,
                 stamp: Callable[[], Hashable | None] = lambda: None) -> None:
        self.faq_dir = Path(folder)
        self.check_interval = check_interval
        self._load = load
        self._stamp = stamp  # None: cannot tell now (database unreachable), so nothing to reload for
        self._lock = threading.Lock()
        self._last_error: str | None = None
        self._sig = signature(self.faq_dir)
        self._stamped = stamp()
        self._value = load(self.faq_dir)  # raises: there is no previous version to fall back on
        self._checked = time.monotonic()

    def current(self) -> T:
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            with self._lock:
                if now - self._checked >= self.check_interval:
                    self._checked = now
                    sig, stamped = signature(self.faq_dir), self._stamp()
                    if sig != self._sig or (stamped is not None and stamped != self._stamped):
                        self._reload_locked(sig, stamped)
        return self._value

    def reload(self) -> str | None:
        """Reload now; the error text, or None when the new version is in service."""
        with self._lock:
            self._checked = time.monotonic()
            return self._reload_locked(signature(self.faq_dir), self._stamp())

    def _reload_locked(self, sig: Signature, stamped: Hashable | None) -> str | None:
        # The signature and stamp are taken before reading, so an edit made during the load is
        # seen by the next check rather than lost.
        self._sig, self._stamped = sig, stamped
        try:
            value = self._load(self.faq_dir)
        except ContentError as exc:
            self._last_error = str(exc)
            log.warning("faq reload failed, keeping the previous version: %s", exc)
            return self._last_error
        except Exception as exc:
            self._last_error = f"{self.faq_dir}: unexpected error while loading: {exc!r}"
            log.exception("faq reload failed, keeping the previous version")
            return self._last_error
        self._value = value
        self._last_error = None
        log.info("faq reloaded from %s", self.faq_dir)
        return None

    @property
    def last_error(self) -> str | None:
        return self._last_error
