"""The data staff edit in faq/, loaded as one snapshot and swapped only when a whole load succeeds."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import Knowledge, KnowledgeError, Rules, load_knowledge, load_rules
from bot.knowledge.calendar import Calendar, load_calendar
from bot.knowledge.catalog import Catalog, DataError, load_catalog
from bot.knowledge.services import Services, load_services

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class Snapshot:
    knowledge: Knowledge
    catalog: Catalog
    calendar: Calendar
    services: Services
    rules: Rules


def load_snapshot(faq_dir: Path) -> Snapshot:
    services = load_services(faq_dir)
    knowledge = load_knowledge(faq_dir)
    return Snapshot(knowledge, load_catalog(faq_dir), load_calendar(faq_dir, services.classes), services,
                    load_rules(faq_dir / "eligibility.yaml", knowledge.normalize))


class Library:
    def __init__(self, faq_dir: Path) -> None:
        self.faq_dir = faq_dir
        self._lock = threading.Lock()
        self._stamp = self._fingerprint()
        self._snapshot = load_snapshot(faq_dir)  # a broken first load stops the start
        self._checked = time.monotonic()
        self.last_error: str | None = None

    def current(self) -> Snapshot:
        """Cheap; a changed file is noticed within a second, and a bad edit keeps the old data."""
        if time.monotonic() - self._checked >= CHECK_EVERY_SECONDS:
            with self._lock:
                if time.monotonic() - self._checked >= CHECK_EVERY_SECONDS:
                    self._checked = time.monotonic()
                    if self._fingerprint() != self._stamp:
                        self.reload()
        return self._snapshot

    def reload(self) -> str | None:
        stamp = self._fingerprint()
        try:
            snapshot = load_snapshot(self.faq_dir)
        except (KnowledgeError, DataError) as error:
            self.last_error = str(error)
            self._stamp = stamp  # report a broken file once, not every second
            log.error("faq reload failed, keeping the previous data: %s", error)
            return self.last_error
        self._snapshot, self._stamp, self.last_error = snapshot, stamp, None
        log.info("faq reloaded: %d entries", len(snapshot.knowledge.entries))
        return None

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        return tuple(
            (str(path), path.stat().st_mtime_ns, path.stat().st_size)
            for path in sorted(self.faq_dir.rglob("*.yaml"))
        )
