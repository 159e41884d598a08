"""FAQ knowledge: the immutable snapshot (loaded by ``bot.content.loader.load_knowledge``).

A ``Knowledge`` is built once from ``faq/qa/*.yaml`` + ``faq/lexicon.yaml`` and never
changes, so request threads can use it without locks (``bot.content.store`` swaps in a
new one when staff edit the files).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

from .matcher import Analysis, Candidate, Index, Settings
from .model import Entry, Match
from .normalize import Lexicon, Normalizer
from .phonetic import codes
from .segment import Segmenter
from .semantic import PhrasingVectors

__all__ = [
    "Entry",
    "Knowledge",
    "Match",
]

log = logging.getLogger(__name__)


class Knowledge:
    """An immutable snapshot: FAQ index + lexicon."""

    def __init__(
        self, entries: list[Entry], lexicon: Lexicon, settings: Settings | None = None
    ) -> None:
        self.lexicon = lexicon
        with _cycles_uncollected():
            self._build(entries, lexicon, settings)
        self.entries: Mapping[str, Entry] = MappingProxyType({e.id: e for e in entries})

    def _build(self, entries: list[Entry], lexicon: Lexicon, settings: Settings | None) -> None:
        base = Normalizer(lexicon)
        domain = {base(w) for w in lexicon.domain_words} - {""}
        domain |= {base(w) for w in lexicon.concepts} - {""}  # concept names stay whole words
        segmenter = Segmenter(domain)
        # Each phrasing is normalised and cut for the sound-alike words, then for the index.
        memo: dict[str, str] = {}
        folds: dict[str, str] = {}
        segmenter.remember()
        base.remember(memo, folds)
        self._normalizer = Normalizer(lexicon, _sound_words(entries, lexicon, base, segmenter),
                                      segmenter.is_word)
        self._normalizer.remember(memo, folds)
        try:
            self._index = Index(entries, lexicon, self._normalizer, segmenter, settings)
        finally:
            segmenter.remember(False)
            self._normalizer.remember(None)

    def match(self, text: str) -> Match:
        return self._index.match(text)

    @property
    def phrasings(self) -> list[str]:
        """The texts the semantic channel embeds (every entry's phrasings, in order)."""
        return self._index.phrasings

    def use_vectors(self, vectors: PhrasingVectors) -> None:
        """Add the semantic channel; done by the loader before the snapshot is shared."""
        self._index.use_vectors(vectors)

    def semantic_ready(self, timeout: float | None = None) -> bool:
        """Whether the semantic channel is on and its vectors are in (waiting up to ``timeout``)."""
        vectors = self._index.vectors
        return vectors is not None and vectors.wait(timeout)

    @property
    def crowded_things(self) -> Mapping[str, int]:
        """Names more entries' phrasings mention than the matcher singles a place out by
        (``MAX_THING_ENTRIES``), with how many: ``faq check`` warns of them."""
        return MappingProxyType(self._index.crowded_things)

    def normalize(self, text: str) -> str:
        """The normalisation the matcher uses (for intent detection by other code)."""
        return self._normalizer(text)

    def ranked(self, text: str, limit: int = 5) -> list[tuple[Entry, float]]:
        """Best entries with their scores, for staff tooling and tuning."""
        _, scored = self._index.score_all(text)
        return [(self._index.entries[ei], round(sc, 1)) for sc, ei in scored[:limit]]

    def explain(self, text: str, limit: int = 5) -> tuple[Analysis, list[tuple[Entry, Candidate]]]:
        """The matcher's reasons for its best entries (how the question was read, each channel's score),
        for the console's 试一试."""
        a, ranked = self._index.rank(text)
        return a, [(self._index.entries[c.entry], c) for c in ranked[:limit]]


@contextmanager
def _cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused while an index is built: the build makes millions of
    small containers that outlive it and no cyclic garbage to speak of, and the collector's
    passes over them took a quarter of a large build (10,000 entries: 2.3 of 8.8 s). Other
    threads' cycles wait until the end (a build takes seconds at most). The containers then go
    straight to the oldest generation (``freeze``, ``unfreeze``): the collector's first pass after
    the build would walk them all to find nothing (10,000 entries: 0.2 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _sound_words(
    entries: list[Entry], lexicon: Lexicon, base: Normalizer, segmenter: Segmenter
) -> dict[str, str]:
    """Words of three or more characters the community uses, and the two-character names of its
    places and services (医保, 低保, 太极 → 太极拳), by their sound-alike codes, so that a
    homophone typo of one of them is read as the word (see ``Normalizer``)."""
    targets: dict[str, str] = {}  # written form (folded, not yet normalised) → word
    for key, value in lexicon.replacements.items():
        if value and (len(key) >= 3 or (len(key) == 2 and _names_a_thing(value, lexicon))):
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
        if len(written) < 2 or not word or (len(written) == 2 and not _names_a_thing(word, lexicon)):
            continue
        code = codes(written)
        if code in by_code and by_code[code] != word:
            ambiguous.add(code)  # two different words sound alike: correct neither
        by_code[code] = word
    for code in ambiguous:
        del by_code[code]
    return by_code


def _names_a_thing(word: str, lexicon: Lexicon) -> bool:
    """A place, service or deed of the community's (医保, 太极拳, 预约), not a way of asking (到哪里)
    or a word of the phrasings: what a two-character sound-alike may be read as."""
    return (word in lexicon.domain_words or word in lexicon.concepts) and not any(
        g in word for g in lexicon.generic if len(g) >= 2 or g == word)
