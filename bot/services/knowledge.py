"""FAQ entries edited in the console: every version kept, the newest laid over faq/qa by entry id.

The shipped YAML stays the format that ships with the code; the database holds what staff changed
since, so an edit reaches every worker within seconds and survives a deploy. ``export`` writes the
newest versions back into YAML for the developers to commit.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.content.files import read
from bot.content.loader import EntryEdit, answer_issue, knowledge_files, load_entries
from bot.db import Database
from bot.knowledge import Knowledge
from bot.knowledge.model import MAX_ANSWER_CHARS, Entry
from bot.models import FaqEdit
from bot.services.errors import NotAllowed, NotFound, ServiceError

log = logging.getLogger(__name__)
NEW_ENTRIES_FILE = "console.yaml"  # where exported entries that no file had yet are written
MAX_QUESTION_CHARS = 100
ISSUES = {
    "empty": "回答不能是空的。",
    "list_marker": "回答里有一行以“- ”开头（YAML 的列表符号，会原样发给居民）。请改成“1. ”或“、”。",
    "placeholder": "回答里有没填的占位内容“{found}”，请写成居民能看的话。",
    "too_long": "回答有{found}个字，最多" + str(MAX_ANSWER_CHARS) + "个字。请写短一些。",
}


class DatabaseEdits:
    """The library's source of console edits (bot.content.library.EditSource), read from the database.

    It reads on a connection of its own without taking SQLite's write lock (BEGIN IMMEDIATE), so a
    check made while the same thread holds a write transaction (a console page, a command) never waits
    for itself."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._failures = (SQLAlchemyError, db.engine.dialect.loaded_dbapi.Error)  # raw reads raise the driver's

    def stamp(self) -> Hashable | None:
        """Rows are only ever added: their count and newest id change with every save, whatever the commit order."""
        try:
            ((count, newest),) = self._read(select(func.count(FaqEdit.id), func.max(FaqEdit.id)))
        except self._failures as error:
            log.warning("cannot read faq edits now: %s", type(error).__name__)
            return None
        return count, newest

    def edits(self) -> tuple[EntryEdit, ...]:
        try:
            return _edits(self._read(_NEWEST))
        except self._failures as error:  # an empty or older database: faq/ alone, until it answers
            log.warning("faq edits not loaded, answering from faq/ alone: %s", type(error).__name__)
            return ()

    def _read(self, statement: Select[Any]) -> list[tuple[Any, ...]]:
        connection = self.db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(str(statement.compile(dialect=self.db.engine.dialect)))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            connection.close()


_NEWEST = (select(FaqEdit.id, FaqEdit.entry_id, FaqEdit.questions, FaqEdit.answer, FaqEdit.retired)
           .where(FaqEdit.id.in_(select(func.max(FaqEdit.id)).group_by(FaqEdit.entry_id)))
           .order_by(FaqEdit.entry_id))


def newest_edits(session: Session) -> tuple[EntryEdit, ...]:
    """The newest version of every entry saved in the console, except those set back to the file's."""
    return _edits(session.execute(_NEWEST).all())


def _edits(rows: Sequence[Sequence[Any]]) -> tuple[EntryEdit, ...]:
    """Rows of ``_NEWEST`` as the loader takes them (a raw read gives JSON as text and booleans as 0/1)."""
    out = []
    for version, entry_id, questions, answer, retired in rows:
        if isinstance(questions, str):
            questions = json.loads(questions)
        if questions is not None:
            out.append(EntryEdit(entry_id, tuple(questions), answer or "", bool(retired), version))
    return tuple(out)


def history(session: Session, entry_id: str) -> list[FaqEdit]:
    """Every version of an entry saved in the console, newest first."""
    return list(session.scalars(select(FaqEdit).where(FaqEdit.entry_id == entry_id).order_by(FaqEdit.id.desc())))


def retired_ids(session: Session) -> set[str]:
    return {edit.id for edit in newest_edits(session) if edit.retired}


def clean_questions(lines: Sequence[str]) -> tuple[str, ...]:
    """One phrasing per line, blank lines and repeats dropped, order kept."""
    return tuple(dict.fromkeys(line.strip() for line in lines if line.strip()))


def problem(questions: Sequence[str], answer: str) -> str | None:
    """Why an entry typed in the console cannot be saved (in staff's words), or None."""
    if not questions:
        return "至少要有一种问法。"
    if too_long := next((q for q in questions if len(q) > MAX_QUESTION_CHARS), None):
        return f"问法“{too_long[:20]}…”太长了，最多{MAX_QUESTION_CHARS}个字。"
    issue = answer_issue(answer.strip())
    if issue is None:
        return None
    kind, found = issue
    return ISSUES[kind].format(found=found)


def describe(before: Entry | None, questions: Sequence[str], answer: str) -> str:
    """What a save changed, as the history shows it."""
    if before is None:
        return "新条目"
    parts = []
    added = [q for q in questions if q not in before.questions]
    removed = [q for q in before.questions if q not in questions]
    if added:
        parts.append("加了问法：" + "、".join(added))
    if removed:
        parts.append("删了问法：" + "、".join(removed))
    if answer != before.answer:
        parts.append("改了回答")
    return "；".join(parts) or "没有改动"


def save(session: Session, *, entry_id: str, questions: Sequence[str], answer: str, before: Entry | None,
         who: str, now: datetime) -> FaqEdit:
    """A new version of an entry (``before``: what residents get now; None for a new entry)."""
    entry_id, answer = entry_id.strip(), answer.strip()
    questions = clean_questions(questions)
    if not entry_id or len(entry_id) > 128 or any(c.isspace() for c in entry_id):
        raise NotAllowed("条目编号不能为空，不能有空格（例如 center.parking）。")
    if reason := problem(questions, answer):
        raise NotAllowed(reason)
    change = describe(before, questions, answer)
    if before is not None and change == "没有改动":
        raise NotAllowed("没有改动，不用保存。")
    return _add(session, entry_id, questions, answer, False, who, now, change)


def retire(session: Session, entry: Entry, who: str, now: datetime) -> FaqEdit:
    """Residents no longer get this entry; its text is kept so it can be restored."""
    return _add(session, entry.id, entry.questions, entry.answer, True, who, now, "停用")


def reinstate(session: Session, edit: EntryEdit, who: str, now: datetime) -> FaqEdit:
    """A retired entry answers residents again, with the text it had."""
    return _add(session, edit.id, edit.questions, edit.answer, False, who, now, "重新启用")


def restore(session: Session, version_id: int, who: str, now: datetime) -> FaqEdit:
    """An older version becomes the newest again (a new version: the history only grows)."""
    old = session.get(FaqEdit, version_id)
    if old is None:
        raise NotFound("没有这个版本。")
    if old.questions is None:
        return to_shipped(session, old.entry_id, who, now)
    change = f"恢复到第{old.id}版" + ("（停用）" if old.retired else "")
    return _add(session, old.entry_id, tuple(old.questions), old.answer or "", old.retired, who, now, change)


def to_shipped(session: Session, entry_id: str, who: str, now: datetime) -> FaqEdit:
    """Drop the console's version: residents get the entry as faq/qa ships it."""
    row = FaqEdit(entry_id=entry_id, questions=None, answer=None, retired=False, at=now, who=who,
                  change="用文件里的版本")
    session.add(row)
    session.flush()
    return row


def add_phrasing(session: Session, entry: Entry, question: str, who: str, now: datetime) -> FaqEdit:
    """A resident's wording becomes one more phrasing of an entry (from the unanswered questions)."""
    return save(session, entry_id=entry.id, questions=(*entry.questions, question), answer=entry.answer,
                before=entry, who=who, now=now)


def _add(session: Session, entry_id: str, questions: Sequence[str], answer: str, retired: bool, who: str,
         now: datetime, change: str) -> FaqEdit:
    row = FaqEdit(entry_id=entry_id, questions=list(questions), answer=answer, retired=retired, at=now,
                  who=who[:64], change=change)
    session.add(row)
    session.flush()
    return row


# --- back into YAML ------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Lists indented under their key and multi-line answers as blocks, as staff write the files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def entry_yaml(edit: EntryEdit, aspect: Any = None) -> str:
    # The file's aspect label (hours, fee …) stays: the console does not edit it.
    item = {"id": edit.id, **({"aspect": aspect} if aspect else {}),
            "questions": list(edit.questions), "answer": edit.answer}
    return yaml.dump([item], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)


def export(faq_dir: Path, edits: Sequence[EntryEdit]) -> list[str]:
    """Write ``edits`` into faq/qa: each in place of its entry, retired ones removed, new ones into
    ``console.yaml``. The files' comments and other entries are left as they are. Returns the files written."""
    pending = {edit.id: edit for edit in edits}
    written = []
    for path in knowledge_files(faq_dir):
        document = read(path, faq_dir)
        items = document.data if isinstance(document.data, list) else []
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        starts = [document.line((i,)) - 1 for i in range(len(items))]
        ends = [*starts[1:], len(lines)]
        changed = False
        for i in reversed(range(len(items))):
            edit = pending.pop(str(items[i].get("id", "")), None) if isinstance(items[i], dict) else None
            if edit is None:
                continue
            end = ends[i]
            while end > starts[i] + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
                end -= 1  # the blank lines and section comments before the next entry stay
            lines[starts[i]:end] = [] if edit.retired else [entry_yaml(edit, items[i].get("aspect"))]
            changed = True
        if changed:
            path.write_text("".join(lines), encoding="utf-8")
            written.append(path.name)
    new = [edit for edit in pending.values() if not edit.retired]
    if new:
        target = faq_dir / "qa" / NEW_ENTRIES_FILE
        before = target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" if target.exists() else \
            "# 在后台新加的问答（community-bot faq export 写入）\n\n"
        target.write_text(before + "\n".join(entry_yaml(edit) for edit in new), encoding="utf-8")
        written.append(target.name)
    return written


# --- the development set --------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    """The development set's result, as `community-bot faq eval` measures it."""

    top1: float  # on-topic questions answered right (or the right conversation started)
    rejection: float  # off-topic questions handed to a person

    def worse_than(self, other: Score) -> bool:
        return self.top1 < other.top1 - 1e-9 or self.rejection < other.rejection - 1e-9


class ScoreUnavailable(ServiceError):
    """The dev set could not be scored in time (a busy server) or failed to run."""


def score(faq_dir: Path, dev_set: Path, edits: Sequence[EntryEdit], timeout: float) -> Score:
    """The dev set against faq/ with ``edits`` over it, through `community-bot faq eval` in its own process
    (its own throw-away database, never the residents' one)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "faq"
        shutil.copytree(faq_dir, copy)
        export(copy, edits)
        environment = {**os.environ, "FAQ_DIR": str(copy), "APP_ENV": "testing"}
        try:
            done = subprocess.run([sys.executable, "-m", "bot.cli", "faq", "eval", str(dev_set), "--json"],
                                  capture_output=True, text=True, env=environment, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ScoreUnavailable(f"faq eval took longer than {timeout:.0f} s") from None
    if done.returncode != 0:
        raise ScoreUnavailable(f"faq eval failed: {done.stderr.strip()[-300:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Score(result["top1"], result["rejection"])


def shipped_entries(faq_dir: Path) -> dict[str, Entry]:
    """The entries as faq/qa ships them, without the console's edits."""
    return {entry.id: entry for entry in load_entries(faq_dir)}


# --- 试一试: what the assistant would answer, and why ------------------------------------------

OUTCOMES = {"answer": "直接回答", "clarify": "问居民是哪一个", "unknown": "答不上（转人工、记为没答上的问题）"}
# The matcher's reasons by name; a channel added to it later is shown by its own name.
CHANNELS = {"score": "总分", "surface": "字面相似", "coverage": "内容词覆盖", "vocab": "全部词覆盖",
            "reverse": "问法被问到的比例", "exact": "和某个问法一模一样", "aspect": "问的方面相符",
            "base": "方面调整前"}
SHARES = {"coverage", "vocab", "reverse", "aspect"}  # 0..1, shown as percentages; the others are 0..100 scores


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    channels: list[tuple[str, str]]  # (label, value) for every reason the matcher gives
    shared: list[str]  # the question's words found in the entry's phrasings or answer


@dataclass(frozen=True)
class Trial:
    outcome: str  # answer | clarify | unknown, as a resident would get it
    outcome_label: str
    answered: tuple[Entry, ...]
    read_as: str  # the question after normalisation (dialect, typos, synonyms)
    content_words: list[str]
    generic_words: list[str]
    candidates: list[Candidate]


def try_question(knowledge_base: Knowledge, text: str, limit: int = 5) -> Trial:
    """What the matcher does with ``text``: its verdict and the top entries with their reasons."""
    match = knowledge_base.match(text)
    analysis, ranked = knowledge_base.explain(text, limit)
    candidates = []
    for entry, reason in ranked:
        known = "".join(knowledge_base.normalize(t) for t in (*entry.questions, entry.answer))
        channels = [(CHANNELS.get(f.name, f.name), _shown(f.name, getattr(reason, f.name)))
                    for f in fields(reason) if f.name not in ("entry", "score") and _worth_showing(reason, f.name)]
        shared = [t for t, generic in zip(analysis.tokens, analysis.generic_mask, strict=True)
                  if not generic and t in known]
        candidates.append(Candidate(entry, round(reason.score, 1), channels, list(dict.fromkeys(shared))))
    return Trial(match.outcome, OUTCOMES.get(match.outcome, match.outcome), match.candidates, match.normalized,
                 [t for t, g in zip(analysis.tokens, analysis.generic_mask, strict=True) if not g],
                 [t for t, g in zip(analysis.tokens, analysis.generic_mask, strict=True) if g], candidates)


def _worth_showing(reason: object, name: str) -> bool:
    value = getattr(reason, name)
    return isinstance(value, int | float) and not (name == "base" and value < 0)


def _shown(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in SHARES and isinstance(value, float):
        return f"{value:.0%}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)
