"""Sound-alike codes: one code character per text character.

Voice input and pinyin typing produce homophone errors (幼耳园, 太极全, 居主证), and Sichuan
speakers merge zh/z, ch/c, sh/s, n/l, eng/en and ing/in. Each Chinese character is mapped to
its toneless pinyin (pypinyin's dictionaries; a word found in its phrase dictionary gets the
phrase reading, so 银行 is yin-hang), folded by those merges, and the folded syllable to a
single private-use code point, so that string similarity on codes works syllable by
syllable. Digits and latin letters code to themselves; the result has the input's length.

pypinyin's own ``lazy_pinyin`` does the same lookups but costs ~100 µs per call; reading its
dictionaries directly costs a few µs, which matters when every question is new.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache

from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

__all__ = ["codes", "fold_syllable", "other_codes", "syllables"]

_PUA_START = 0xE000
_syllable_code: dict[str, str] = {}
_lock = threading.Lock()

_TONES = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěèê", "e"), **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("ǖǘǚǜü", "v"),
        **dict.fromkeys("ńňǹ", "n"), "ḿ": "m",
    }
)
_MAX_PHRASE = 4  # longer entries of the phrase dictionary are rare and not worth the lookups


def fold_syllable(syl: str) -> str:
    """Fold a toneless pinyin syllable by the mergers common in Sichuan speech and ASR."""
    if syl[:2] in ("zh", "ch", "sh"):
        syl = syl[0] + syl[2:]
    elif syl[:1] == "n" and syl != "ng":
        syl = "l" + syl[1:]
    if syl.endswith("eng") and syl != "eng":
        syl = syl[:-1]
    elif syl.endswith("ing"):
        syl = syl[:-1]
    return syl


def _code_for(syl: str) -> str:
    code = _syllable_code.get(syl)
    if code is None:
        with _lock:
            code = _syllable_code.get(syl)
            if code is None:
                code = chr(_PUA_START + len(_syllable_code))
                _syllable_code[syl] = code
    return code


def _plain(reading: str) -> str:
    return reading.translate(_TONES)


class _ByOrdinal(dict[int, str]):
    """Each character's code by its ordinal, made on first sight: ``str.translate`` then codes
    the characters of a text in one call."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, ordinal: int) -> str:
        code = self[ordinal] = self._make(chr(ordinal))
        return code


def _char_of(ch: str) -> str:
    if ch.isascii():
        return ch
    readings = PINYIN_DICT.get(ord(ch))
    return _code_for(fold_syllable(_plain(readings.split(",")[0]))) if readings else ch


_char_code = _ByOrdinal(_char_of)


def _char(ch: str) -> str:
    return _char_code[ord(ch)]


def syllables(text: str) -> list[str]:
    """Toneless pinyin per character (the character itself where it has none)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for length in range(min(_MAX_PHRASE, n - i), 1, -1):
            phrase = PHRASES_DICT.get(text[i : i + length])
            if phrase is not None and len(phrase) == length:
                out.extend(_plain(p[0]) for p in phrase)
                i += length
                break
        else:
            readings = PINYIN_DICT.get(ord(text[i]))
            out.append(_plain(readings.split(",")[0]) if readings else text[i])
            i += 1
    return out


_phrase_code: dict[str, str] = {}  # a phrase of the phrase dictionary → its codes
_MAX_PHRASE_CODES = 200_000


def _phrase(text: str, phrase: list[list[str]]) -> str:
    code = _phrase_code.get(text)
    if code is None:
        code = "".join(_code_for(fold_syllable(_plain(p[0]))) for p in phrase)
        if len(_phrase_code) < _MAX_PHRASE_CODES:
            _phrase_code[text] = code
    return code


_phrase_lengths: dict[str, int] = {}  # first two characters → longest phrase starting with them
_phrases_indexed = -1  # len(PHRASES_DICT) when ``_phrase_lengths`` was made


def _longest_phrases() -> dict[str, int]:
    """For each two characters some phrase of the phrase dictionary (2 to ``_MAX_PHRASE``
    characters) starts with, the longest such phrase's length: ``codes`` then tries only the
    lengths that can match. Made once (15 ms), again if pypinyin's dictionary grew."""
    global _phrase_lengths, _phrases_indexed
    if _phrases_indexed != len(PHRASES_DICT):
        with _lock:
            size = len(PHRASES_DICT)
            table: dict[str, int] = {}
            for phrase in list(PHRASES_DICT):
                if 2 <= len(phrase) <= _MAX_PHRASE and table.get(phrase[:2], 0) < len(phrase):
                    table[phrase[:2]] = len(phrase)
            _phrase_lengths, _phrases_indexed = table, size
    return _phrase_lengths


@lru_cache(maxsize=65536)
def codes(text: str) -> str:
    """Sound-alike code string of ``text`` (normalised: CJK, a–z, 0–9)."""
    out: list[str] = []
    i, n = 0, len(text)
    phrases, chars, longest, phrase_codes = PHRASES_DICT, _char_code, _longest_phrases(), _phrase_code
    while i < n:
        most = longest.get(text[i : i + 2])
        if most is not None:  # (most positions start no phrase: one lookup)
            for length in range(min(most, n - i), 1, -1):
                frag = text[i : i + length]
                phrase = phrases.get(frag)
                if phrase is not None and len(phrase) == length:
                    out.append(phrase_codes.get(frag) or _phrase(frag, phrase))
                    i += length
                    break
            else:
                most = None
        if most is None:
            out.append(chars[ord(text[i])])
            i += 1
    return "".join(out)


def _other_of(ch: str) -> str:
    readings = [] if ch.isascii() else (PINYIN_DICT.get(ord(ch)) or "").split(",")
    folded = [fold_syllable(_plain(r)) for r in readings]
    return next((_code_for(f) for f in folded[1:] if f != folded[0]), _char(ch))


_other_code = _ByOrdinal(_other_of)


@lru_cache(maxsize=16384)
def other_codes(text: str) -> str:
    """``text``'s codes, character by character, each read by another reading where it has one
    (了 as liao: 照了中心 said for 照料中心); empty where no character has another."""
    other = text.translate(_other_code)
    return other if other != text.translate(_char_code) else ""
