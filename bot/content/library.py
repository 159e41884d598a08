"""The data staff edit in faq/, loaded as one snapshot and swapped only when a whole load succeeds."""
from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.content.calendar import Calendar, load_calendar
from bot.content.catalog import Catalog, load_catalog
from bot.content.eligibility import load_rules
from bot.content.loader import EntryEdit, load_knowledge
from bot.content.services import Services, load_services
from bot.content.store import ReloadingStore, Signature, signature
from bot.content.texts import load_texts
from bot.content.vectors import phrasing_vectors
from bot.knowledge import Knowledge, Rules
from bot.knowledge.semantic import Embedder, load_embedder


@dataclass(frozen=True)
class Snapshot:
    knowledge: Knowledge
    catalog: Catalog
    calendar: Calendar
    services: Services
    rules: Rules
    texts: Mapping[str, str]


@dataclass(frozen=True)
class Semantic:
    """The semantic channel of a process: its one embedder and where phrasing vectors are cached."""

    embedder: Embedder
    cache_dir: Path


def semantic_channel(mode: str, cache_dir: Path) -> Semantic | None:
    """``EMBEDDINGS`` (off | e5) → the channel to give ``open_library``; None keeps matching lexical."""
    embedder = load_embedder(mode)
    return Semantic(embedder, Path(cache_dir)) if embedder else None


class EditSource(Protocol):
    """The FAQ entries staff saved in the console (kept in the database by bot.services.knowledge)."""

    def stamp(self) -> Hashable | None:
        """Changes whenever an edit is saved; cheap enough to ask every few seconds. None: cannot tell now."""

    def edits(self) -> tuple[EntryEdit, ...]:
        """The newest version of every entry edited in the console."""


KEEP_LOADED = 4
_LOADED: dict[tuple[str, Signature, tuple[EntryEdit, ...], Semantic | None], Snapshot] = {}
_LOADED_LOCK = threading.Lock()


def load_snapshot(faq_dir: Path, edits: tuple[EntryEdit, ...] = (), semantic: Semantic | None = None) -> Snapshot:
    services = load_services(faq_dir)
    knowledge = load_knowledge(faq_dir, edits=edits)
    if semantic is not None:
        knowledge.use_vectors(phrasing_vectors(semantic.embedder, knowledge.phrasings, semantic.cache_dir))
    return Snapshot(knowledge, load_catalog(faq_dir), load_calendar(faq_dir, services.classes), services,
                    load_rules(faq_dir / "eligibility.yaml", knowledge.normalize), load_texts(faq_dir))


def shared_snapshot(faq_dir: Path, edits: tuple[EntryEdit, ...] = (), semantic: Semantic | None = None) -> Snapshot:
    """A snapshot is immutable, so apps of one process reading the same unchanged files and edits share
    one load (building the matcher's index is the slow part)."""
    key = (str(faq_dir.resolve()), signature(faq_dir), edits, semantic)
    with _LOADED_LOCK:
        found = _LOADED.get(key)
    if found is None:
        found = load_snapshot(faq_dir, edits, semantic)
        with _LOADED_LOCK:
            _LOADED[key] = found
            while len(_LOADED) > KEEP_LOADED:
                _LOADED.pop(next(iter(_LOADED)))
    return found


def open_library(faq_dir: Path, source: EditSource | None = None,
                 semantic: Semantic | None = None) -> ReloadingStore[Snapshot]:
    """The app's data: reloaded as one whole, so a broken file never mixes old and new parts; with a
    ``source``, the console's edits over the files, picked up by every worker at its next check."""
    if source is None:
        return ReloadingStore(faq_dir, lambda folder: shared_snapshot(folder, (), semantic))
    return ReloadingStore(faq_dir, lambda folder: shared_snapshot(folder, source.edits(), semantic),
                          stamp=source.stamp)
