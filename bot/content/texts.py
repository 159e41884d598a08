"""faq/texts.yaml: every sentence the code sends, with the community's name written once.

Validated against the code: each ``texts.<NAME>`` used under ``bot/`` must be in the file, so a
second community's folder that forgets one is refused at start, with the file and line.

Looked up by name (``texts.<NAME>``) like gettext through a request context: the texts of the
snapshot bound to the message being handled (``bot.content.current``) are used, so a second
community is a second faq/ folder. With nothing bound (a CLI command, a test), the default faq/
folder is read. Never read a text at import time: it would freeze the default.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pydantic import Field

from bot.config import PROJECT_ROOT
from bot.content import current
from bot.content.files import Model, Text, read

_USE = re.compile(r"\btexts\.([A-Z][A-Z0-9_]*)\b")
BOT_DIR = Path(__file__).resolve().parents[1]


class _TextsFile(Model):
    community: Text
    texts: dict[str, str] = Field(min_length=1)


@lru_cache(maxsize=1)
def names_used_by_code() -> frozenset[str]:
    """The text names the code reads (``texts.<NAME>``), found in the sources of ``bot/``."""
    return frozenset(name for path in BOT_DIR.rglob("*.py")
                     for name in _USE.findall(path.read_text(encoding="utf-8")))


def load_texts(faq_dir: Path) -> Mapping[str, str]:
    document = read(faq_dir / "texts.yaml", faq_dir)
    data = document.parse(_TextsFile)
    missing = sorted(names_used_by_code() - data.texts.keys())
    if missing:
        raise document.error(("texts",), f"missing {', '.join(missing)} (the assistant uses them)")
    return MappingProxyType({name: text.replace("{community}", data.community) for name, text in data.texts.items()})


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
