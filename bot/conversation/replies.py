"""Reply text that fits WeChat: at most 2048 bytes, cut at a sentence, safe characters only."""
from __future__ import annotations

import re

MAX_BYTES = 2048
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SENTENCE_END = "。！？!?\n；;"


def clean(text: str) -> str:
    """XML 1.0 cannot carry control characters; emoji and ]]> are handled when rendering."""
    return _CONTROL.sub("", text)


def paginate(text: str, hint: str, limit: int = MAX_BYTES) -> tuple[str, str | None]:
    """The first page, and the rest for 回复“更多” (None when it all fits)."""
    text = clean(text)
    if len(text.encode()) <= limit:
        return text, None
    budget = limit - len(hint.encode()) - 1
    cut = _fit(text, budget)
    sentence = max(text.rfind(mark, 0, cut) for mark in _SENTENCE_END)
    if sentence > cut // 2:
        cut = sentence + 1
    return text[:cut].rstrip() + "\n" + hint, text[cut:].lstrip() or None


def _fit(text: str, budget: int) -> int:
    """How many characters fit in `budget` UTF-8 bytes."""
    used = 0
    for index, char in enumerate(text):
        used += len(char.encode())
        if used > budget:
            return index
    return len(text)
