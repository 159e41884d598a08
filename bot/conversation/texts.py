"""The sentences residents read, looked up by name (``texts.<NAME>``) in faq/texts.yaml.

Like gettext through a request context: the texts of the snapshot bound to the message being
handled (``bot.conversation.current``) are used, so a second community is a second faq/ folder.
With nothing bound (a CLI command, a test), the default faq/ folder is read.
Never read a text at import time: it would freeze the default.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from bot.config import PROJECT_ROOT
from bot.content.texts import load_texts
from bot.conversation import current


@lru_cache(maxsize=1)
def _default() -> Mapping[str, str]:
    return load_texts(PROJECT_ROOT / "faq")


def __getattr__(name: str) -> str:
    if not name.isupper():
        raise AttributeError(name)
    snapshot = current.bound()
    try:
        return (snapshot.texts if snapshot is not None else _default())[name]
    except KeyError:
        raise AttributeError(f"faq/texts.yaml has no text {name}") from None
