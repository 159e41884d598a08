"""The sentences residents read, looked up by name (``texts.WELCOME``) in faq/texts.yaml.

Like gettext through a request context: the texts of the snapshot bound to the message being
handled (``using``, by the Assistant, the scheduler) are used, so a second community is a second
faq/ folder. With nothing bound (a CLI command, a test), the default faq/ folder is read.
Never read a text at import time: it would freeze the default.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from bot.config import PROJECT_ROOT
from bot.content.texts import load_texts

_bound: ContextVar[Mapping[str, str] | None] = ContextVar("texts", default=None)


@contextmanager
def using(texts: Mapping[str, str]) -> Iterator[None]:
    """Within this block, ``texts.<NAME>`` reads ``texts`` (one message, one scheduler pass)."""
    token = _bound.set(texts)
    try:
        yield
    finally:
        _bound.reset(token)


@lru_cache(maxsize=1)
def _default() -> Mapping[str, str]:
    return load_texts(PROJECT_ROOT / "faq")


def __getattr__(name: str) -> str:
    if not name.isupper():
        raise AttributeError(name)
    texts = _bound.get() or _default()
    try:
        return texts[name]
    except KeyError:
        raise AttributeError(f"faq/texts.yaml has no text {name}") from None
