"""The data staff edit in faq/, loaded as one snapshot and swapped only when a whole load succeeds."""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.content.calendar import Calendar, load_calendar
from bot.content.catalog import Catalog, load_catalog
from bot.content.eligibility import load_rules
from bot.content.loader import load_knowledge
from bot.content.services import Services, load_services
from bot.content.store import ReloadingStore, Signature, signature
from bot.content.texts import load_texts
from bot.knowledge import Knowledge, Rules


@dataclass(frozen=True)
class Snapshot:
    knowledge: Knowledge
    catalog: Catalog
    calendar: Calendar
    services: Services
    rules: Rules
    texts: Mapping[str, str]


KEEP_LOADED = 4
_LOADED: dict[tuple[str, Signature], Snapshot] = {}
_LOADED_LOCK = threading.Lock()


def load_snapshot(faq_dir: Path) -> Snapshot:
    services = load_services(faq_dir)
    knowledge = load_knowledge(faq_dir)
    return Snapshot(knowledge, load_catalog(faq_dir), load_calendar(faq_dir, services.classes), services,
                    load_rules(faq_dir / "eligibility.yaml", knowledge.normalize), load_texts(faq_dir))


def shared_snapshot(faq_dir: Path) -> Snapshot:
    """A snapshot is immutable, so apps of one process reading the same unchanged files share one load
    (building the matcher's index is the slow part)."""
    key = (str(faq_dir.resolve()), signature(faq_dir))
    with _LOADED_LOCK:
        found = _LOADED.get(key)
    if found is None:
        found = load_snapshot(faq_dir)
        with _LOADED_LOCK:
            _LOADED[key] = found
            while len(_LOADED) > KEEP_LOADED:
                _LOADED.pop(next(iter(_LOADED)))
    return found


def open_library(faq_dir: Path) -> ReloadingStore[Snapshot]:
    """The app's data: reloaded as one whole, so a broken file never mixes old and new parts."""
    return ReloadingStore(faq_dir, shared_snapshot)
