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


def jieba_load_seconds() -> float | None:
    """How long jieba's dictionary took to load in this process (None: not loaded yet)."""
    return _load_seconds


class Segmenter:
    def __init__(self, domain_words: Iterable[str]) -> None:
        words = sorted({w for w in domain_words if len(w) >= 2}, key=lambda w: (-len(w), w))
        self._domain_re = re.compile("|".join(map(re.escape, words))) if words else None
        self._jieba = _base_tokenizer()

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
