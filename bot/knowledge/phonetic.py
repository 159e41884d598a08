"""Sound-alike codes: one code character per text character.

Voice input and pinyin typing produce homophone errors (幼耳园, 太极全, 居主证), and Sichuan
speakers merge zh/z, ch/c, sh/s, n/l, eng/en and ing/in. Each Chinese character is mapped to
its toneless pinyin, folded by those merges, and the folded syllable to a single private-use
code point, so that string similarity on codes works syllable by syllable. Digits and latin
letters code to themselves. The result has the same length as the input.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pypinyin import lazy_pinyin

__all__ = ["codes", "fold_syllable"]

_PUA_START = 0xE000
_syllable_code: dict[str, str] = {}
_lock = threading.Lock()


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


def _errors(chunk: str) -> list[str]:
    return list(chunk)


@lru_cache(maxsize=65536)
def codes(word: str) -> str:
    """Sound-alike code string of ``word`` (a normalised token: CJK, a–z, 0–9)."""
    if not word:
        return ""
    sylls = lazy_pinyin(word, errors=_errors)
    if len(sylls) != len(word):  # defensive: keep the 1:1 alignment whatever pypinyin does
        sylls = [lazy_pinyin(ch, errors=_errors)[0] if ch else ch for ch in word]
    out = []
    for ch, syl in zip(word, sylls):
        if ch.isascii():
            out.append(ch)
        else:
            out.append(_code_for(fold_syllable(syl)))
    return "".join(out)
