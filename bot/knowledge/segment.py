"""Word segmentation (jieba) with the community's own words kept whole.

jieba's dictionary is loaded once per process (it takes most of a second) and never mutated:
instead of ``add_word`` on a shared tokenizer, each knowledge snapshot carries its own list of
domain words and cuts them out first (longest match), handing only the gaps to jieba. That is
the effect of user words without global state, so two snapshots (old and reloaded) and several
threads can segment at the same time.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable

import jieba

__all__ = ["Segmenter", "jieba_load_seconds"]

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()
_load_seconds: float | None = None


def _base_tokenizer() -> jieba.Tokenizer:
    global _tokenizer, _load_seconds
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                started = time.perf_counter()
                tok = jieba.Tokenizer()
                tok.initialize()
                _load_seconds = time.perf_counter() - started
                _tokenizer = tok
    return _tokenizer


# How much a word of each part of speech (jieba's dictionary tags) says about what a question
# is *about*. Things (nouns, abbreviations, unknown words such as names and typos) say the
# most; actions and qualities less; times, numbers, pronouns and particles almost nothing.
_TAG_WEIGHT = {
    "v": 0.45, "a": 0.4, "d": 0.2, "i": 0.5, "l": 0.5, "z": 0.3, "b": 0.5, "g": 0.5,
    "t": 0.15, "m": 0.15, "q": 0.15, "r": 0.1, "p": 0.1, "c": 0.1, "u": 0.1, "y": 0.1,
    "e": 0.1, "o": 0.2, "f": 0.2, "s": 0.4, "k": 0.2, "h": 0.2,
}
_word_weight: dict[str, float] | None = None


def _load_word_weights() -> dict[str, float]:
    """Weights of the dictionary's non-noun words (nouns and unknown words weigh 1)."""
    global _word_weight, _load_seconds
    if _word_weight is None:
        with _tokenizer_lock:
            if _word_weight is None:
                started = time.perf_counter()
                table: dict[str, float] = {}
                with _base_tokenizer().get_dict_file() as f:
                    for raw in f:
                        parts = raw.decode("utf-8").split()
                        if len(parts) >= 3 and parts[2][0] != "n" and parts[2] not in ("j", "vn"):
                            weight = _TAG_WEIGHT.get(parts[2][0])
                            if weight is not None:
                                table[parts[0]] = weight
                _word_weight = table
                _load_seconds = (_load_seconds or 0.0) + time.perf_counter() - started
    return _word_weight


def jieba_load_seconds() -> float | None:
    """How long jieba's dictionary took to load in this process (None: not loaded yet)."""
    return _load_seconds


class Segmenter:
    def __init__(self, domain_words: Iterable[str]) -> None:
        words = sorted({w for w in domain_words if len(w) >= 2}, key=lambda w: (-len(w), w))
        self._domain_re = re.compile("|".join(map(re.escape, words))) if words else None
        self._domain = frozenset(words)
        self._jieba = _base_tokenizer()
        self._weights = _load_word_weights()

    def topic_weight(self, word: str) -> float:
        """How much ``word`` tells what a question is about (0..1), by part of speech."""
        if word in self._domain:
            return 1.0
        return self._weights.get(word, 1.0)

    def _cut_plain(self, text: str) -> list[str]:
        return [t for t in self._jieba.lcut(text, HMM=False) if t]

    def cut(self, text: str) -> list[str]:
        if not text:
            return []
        if self._domain_re is None:
            return self._cut_plain(text)
        out: list[str] = []
        pos = 0
        for m in self._domain_re.finditer(text):
            if m.start() > pos:
                out.extend(self._cut_plain(text[pos : m.start()]))
            out.append(m.group(0))
            pos = m.end()
        if pos < len(text):
            out.extend(self._cut_plain(text[pos:]))
        return out
