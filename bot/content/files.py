"""The one YAML reader for faq/ and the one error type, so every complaint names the file and line.

Staff edit these files by hand: "faq/office.yaml:3: staff_hours[0].from: not a time like 08:30"
tells them exactly what to fix. Files are composed with PyYAML to keep each value's line, then
validated by typed models (pydantic), whose errors are turned into that one-line form.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


class ContentError(ValueError):
    """A file in faq/ is wrong; the message starts with ``file:line:``."""


class Model(BaseModel):
    """Base of the file models: immutable, and an unknown key is a typo worth reporting."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def display_path(path: Path, faq_dir: Path) -> str:
    """``faq/qa/places.yaml`` for a file under the FAQ folder, whatever the working directory."""
    try:
        return f"{faq_dir.name}/{path.relative_to(faq_dir).as_posix()}"
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Document:
    """One YAML file: its text, its values, its node tree, and the line of every value."""

    shown: str
    text: str
    node: yaml.Node | None
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Sequence[str | int] = ()) -> int:
        """The line of the deepest known part of ``loc`` (a key path as pydantic reports it)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def at(self, loc: Sequence[str | int] = ()) -> str:
        """``faq/x.yaml:12``, for messages that name the thing themselves (entry 'a.b' …)."""
        return f"{self.shown}:{self.line(loc)}"

    def source(self, loc: Sequence[str | int]) -> str:
        """The value at ``loc`` as written in the file (its lines unfolded), or "" when there is none."""
        node = self.node
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((value for key, value in node.value if key.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return ""
        if not isinstance(node, yaml.ScalarNode):
            return ""
        return self.text[node.start_mark.index:node.end_mark.index]  # marks count characters

    def error(self, loc: Sequence[str | int], message: str) -> ContentError:
        where = f" {dotted(loc)}:" if loc else ""
        return ContentError(f"{self.at(loc)}:{where} {message}")

    def parse(self, model: type[M]) -> M:
        """The file as ``model``; the first problem becomes a ContentError with file:line."""
        try:
            return model.model_validate({} if self.data is None else self.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise self.error(first["loc"], _message(first)) from None


# libyaml's parser when PyYAML was built with it: the same documents and marks, ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path: Path, faq_dir: Path | None = None) -> Document:
    """Read one file of faq/; a missing file, bad encoding or YAML syntax is a ContentError."""
    shown = display_path(path, faq_dir) if faq_dir is not None else path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{shown}:1: file is missing") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{shown}:1: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ContentError(f"{shown}:1: cannot read ({exc.strerror})") from None
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ContentError(f"{shown}:{line}: YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{shown}:1: YAML syntax error: {exc}") from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _walk(node, (), lines, shown)
    return Document(shown, text, node, data, lines)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], shown: str) -> None:
    """Record every value's line; a key written twice would silently lose the first value."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, str(key.value))
            line = key.start_mark.line + 1
            if child in lines:
                raise ContentError(f"{shown}:{line}: duplicate key '{key.value}' (first at line {lines[child]})")
            lines[child] = line
            _walk(value, child, lines, shown)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _walk(value, (*loc, i), lines, shown)


def dotted(loc: Sequence[str | int]) -> str:
    """("staff_hours", 0, "from") → staff_hours[0].from, as staff see it in the file."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PLAIN = {"missing": "missing", "extra_forbidden": "unknown key (a typo?)"}


def _message(error: Any) -> str:
    message = _PLAIN.get(error["type"], str(error["msg"]))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


# --- the value types shared by every file --------------------------------------------------

def parse_clock(value: Any) -> time:
    """18:00 quoted or not: unquoted, YAML 1.1 reads it as the sexagesimal number 1080."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a time like 08:30") from None


def _weekday(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise ValueError("use 1 (Monday) to 7 (Sunday)")
    return value


def _month_day(value: Any) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in str(value).split("-"))
        date(2001, month, day)  # not 02-29: it would vanish three years in four
    except ValueError:
        raise ValueError(f"{value!r} is not a month-day like 03-08") from None
    return month, day


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-12-01") from None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty text")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a positive whole number")
    return value


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ValueError("expected a list of words")
    return tuple(value)


Clock = Annotated[time, BeforeValidator(parse_clock)]
Weekday = Annotated[int, BeforeValidator(_weekday)]
MonthDay = Annotated[tuple[int, int], BeforeValidator(_month_day)]
Day = Annotated[date, BeforeValidator(_date)]
Text = Annotated[str, BeforeValidator(_text)]
Count = Annotated[int, BeforeValidator(_count)]
Words = Annotated[tuple[str, ...], BeforeValidator(_words)]
