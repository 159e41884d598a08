"""FAQ knowledge: loading, the immutable snapshot, and the hot-reloading store.

A ``Knowledge`` is built once from ``faq/qa/*.yaml`` + ``faq/lexicon.yaml`` and never
changes, so request threads can use it without locks. ``KnowledgeStore`` swaps in a new
snapshot when staff edit the files; an edit that does not validate leaves the previous
snapshot in service and is reported through ``last_error``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .loader import load_entries, load_lexicon
from .matcher import Index, Settings
from .model import Entry, KnowledgeError, Match
from .normalize import Lexicon, Normalizer
from .phonetic import codes
from .segment import Segmenter

__all__ = [
    "Entry",
    "Knowledge",
    "KnowledgeError",
    "KnowledgeStore",
    "Match",
    "load_knowledge",
]

log = logging.getLogger(__name__)


class Knowledge:
    """An immutable snapshot: FAQ index + lexicon."""

    def __init__(
        self, entries: list[Entry], lexicon: Lexicon, settings: Settings | None = None
    ) -> None:
        self.lexicon = lexicon
        base = Normalizer(lexicon)
        domain = {base(w) for w in lexicon.domain_words} - {""}
        domain |= {base(w) for w in lexicon.concepts} - {""}  # concept names stay whole words
        segmenter = Segmenter(domain)
        self._normalizer = Normalizer(lexicon, _sound_words(entries, lexicon, base, segmenter))
        self._index = Index(entries, lexicon, self._normalizer, segmenter, settings)
        self.entries: Mapping[str, Entry] = MappingProxyType({e.id: e for e in entries})

    def match(self, text: str) -> Match:
        return self._index.match(text)

    def normalize(self, text: str) -> str:
        """The normalisation the matcher uses (for intent detection by other code)."""
        return self._normalizer(text)

    def ranked(self, text: str, limit: int = 5) -> list[tuple[Entry, float]]:
        """Best entries with their scores, for staff tooling and tuning."""
        _, scored = self._index.score_all(text)
        return [(self._index.entries[ei], round(sc, 1)) for sc, ei in scored[:limit]]


def _sound_words(
    entries: list[Entry], lexicon: Lexicon, base: Normalizer, segmenter: Segmenter
) -> dict[str, str]:
    """Words of three or more characters the community uses, by their sound-alike codes, so
    that a homophone typo of one of them is read as the word (see ``Normalizer``)."""
    targets: dict[str, str] = {}  # written form (folded, not yet normalised) → word
    for key, value in lexicon.replacements.items():
        if value and len(key) >= 3:
            targets.setdefault(base.fold(key), value)
    for word in lexicon.domain_words:
        targets.setdefault(base.fold(word), word)
    for entry in entries:
        for question in entry.questions:
            for token in segmenter.cut(base(question)):
                targets.setdefault(token, token)
    by_code: dict[str, str] = {}
    ambiguous: set[str] = set()
    for written, word in targets.items():
        if len(written) < 3 or not word:
            continue
        code = codes(written)
        if code in by_code and by_code[code] != word:
            ambiguous.add(code)  # two different words sound alike: correct neither
        by_code[code] = word
    for code in ambiguous:
        del by_code[code]
    return by_code


def load_knowledge(faq_dir: Path, settings: Settings | None = None) -> Knowledge:
    """Read and validate ``faq_dir``; raises KnowledgeError naming ``file:line``."""
    faq_dir = Path(faq_dir)
    if not (faq_dir / "qa").is_dir():
        raise KnowledgeError(f"{faq_dir}/qa: folder not found")
    lexicon = load_lexicon(faq_dir)
    entries = load_entries(faq_dir)
    return Knowledge(entries, lexicon, settings)


def _signature(faq_dir: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    try:
        paths = sorted(p for p in faq_dir.rglob("*") if p.is_file())
    except OSError:
        return ()
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue  # vanished between listing and stat: the next check sees it
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


class KnowledgeStore:
    """Thread-safe holder of the current snapshot, reloading when files under faq_dir change."""

    def __init__(self, faq_dir: Path, *, check_interval: float = 1.0) -> None:
        self.faq_dir = Path(faq_dir)
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._last_error: str | None = None
        self._sig = _signature(self.faq_dir)
        self._knowledge = load_knowledge(self.faq_dir)  # raises: no snapshot to fall back on
        self._checked = time.monotonic()

    def current(self) -> Knowledge:
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            with self._lock:
                if now - self._checked >= self.check_interval:
                    self._checked = now
                    sig = _signature(self.faq_dir)
                    if sig != self._sig:
                        self._reload_locked(sig)
        return self._knowledge

    def reload(self) -> str | None:
        """Reload now; the error text, or None when the new snapshot is in service."""
        with self._lock:
            self._checked = time.monotonic()
            return self._reload_locked(_signature(self.faq_dir))

    def _reload_locked(self, sig: tuple[tuple[str, int, int], ...]) -> str | None:
        # The signature is taken before reading, so an edit made during the load is seen
        # by the next check rather than lost.
        self._sig = sig
        try:
            knowledge = load_knowledge(self.faq_dir)
        except KnowledgeError as exc:
            self._last_error = str(exc)
            log.warning("FAQ reload failed, keeping the previous version: %s", exc)
            return self._last_error
        except Exception as exc:  # never let a bad edit take the assistant down
            self._last_error = f"{self.faq_dir}: unexpected error while loading: {exc!r}"
            log.exception("FAQ reload failed, keeping the previous version")
            return self._last_error
        self._knowledge = knowledge
        self._last_error = None
        log.info("FAQ reloaded: %d entries", len(knowledge.entries))
        return None

    @property
    def last_error(self) -> str | None:
        return self._last_error
