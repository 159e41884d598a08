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
from math import log

import jieba

__all__ = ["Segmenter", "jieba_load_seconds"]

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.RLock()  # re-entered: the word tags load the tokenizer
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


# jieba cuts a text in blocks of these characters (its ``re_han_default``); a normalised text
# (CJK, a–z, 0–9) is one block unless it has a rarer ideograph (then jieba itself cuts it).
_ONE_BLOCK_RE = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&._%\\-]+")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# word → log(frequency) − log(total), as jieba computes it; None: only the start of words
_word_cost: dict[str, float | None] = {}
_UNSEEN = object()
MAX_WORD_COSTS = 300_000


def _cut_block(text: str) -> list[str]:
    """jieba's ``cut(text, HMM=False)`` of one block, the same words: its DAG and best route
    in one backward pass, without the generators, and each word's log-frequency remembered."""
    tok = _base_tokenizer()
    freq = tok.FREQ
    cost = _word_cost
    logtotal = log(tok.total)
    n = len(text)
    best = [0.0] * (n + 1)
    end = [0] * (n + 1)
    for start in range(n - 1, -1, -1):
        top = None
        last = start
        i = start
        frag = text[start]
        while True:  # the dictionary's words (and starts of words) from here
            c = cost.get(frag, _UNSEEN)
            if c is _UNSEEN:
                f = freq.get(frag)
                if f is None:
                    break
                c = log(f) - logtotal if f else None
                if len(cost) < MAX_WORD_COSTS:
                    cost[frag] = c
            if c is not None:
                v = c + best[i + 1]
                if top is None or v >= top:  # ties: the longer word, as jieba's max((v, i))
                    top, last = v, i
            i += 1
            if i == n:
                break
            frag = text[start : i + 1]
        if top is None:  # no dictionary word starts here: the character alone
            top = log(freq.get(text[start]) or 1) - logtotal + best[start + 1]
        best[start], end[start] = top, last
    words: list[str] = []
    run = ""  # single latin letters and digits are joined, as jieba does
    x = 0
    while x < n:
        y = end[x] + 1
        word = text[x:y]
        if len(word) == 1 and word in _ASCII_ALNUM:
            run += word
        else:
            if run:
                words.append(run)
                run = ""
            words.append(word)
        x = y
    if run:
        words.append(run)
    return words


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
        self._memo: dict[str, list[str]] | None = None  # see ``remember``

    def remember(self, on: bool = True) -> None:
        """Remember every text's words while on (building an index cuts each phrasing twice:
        for the sound-alike words, then for the index); off drops them."""
        self._memo = {} if on else None

    @staticmethod
    def is_word(text: str) -> bool:
        """Whether jieba's dictionary has ``text`` as a word (一包, 保证; not the typo 医宝)."""
        return bool(_base_tokenizer().FREQ.get(text))

    def topic_weight(self, word: str) -> float:
        """How much ``word`` tells what a question is about (0..1), by part of speech."""
        if word in self._domain:
            return 1.0
        return self._weights.get(word, 1.0)

    def _cut_plain(self, text: str) -> list[str]:
        if _ONE_BLOCK_RE.fullmatch(text):
            return _cut_block(text)
        return [t for t in self._jieba.lcut(text, HMM=False) if t]

    def cut(self, text: str) -> list[str]:
        memo = self._memo
        if memo is None:
            return self._cut(text)
        words = memo.get(text)
        if words is None:
            words = memo[text] = self._cut(text)
        return list(words)

    def _cut(self, text: str) -> list[str]:
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
