"""Questions the FAQ could not answer, counted and reviewed by staff (the console, `community-bot faq gaps`).

Only real questions are kept: greetings, emoji, punctuation, links, yes/no and thanks/goodbye, and what a
resident types into a form that has just closed (a name, a phone number) never become gaps, and phone and
ID numbers are masked before anything is stored.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import Select, case, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.content import current
from bot.knowledge.chinese import command_word, looks_like_question, parse_name, parse_phone
from bot.knowledge.model import Entry
from bot.models import FaqGap, GapStatus
from bot.services import knowledge

_LINK = re.compile(r"https?://|www\.|\.(com|cn|net|org)\b", re.IGNORECASE)
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}\d{7}[\dXx](?![0-9])")
_LONG_NUMBER = re.compile(r"(?<![0-9])\d[\d\s-]{5,}\d(?![0-9])")  # phones, landlines, card and ID numbers
_PARTICLES = "啊吧呀嘛噻哦哈了啦呢哟嘞"
# Farewells and bare yes/no: not questions (the lexicon's greeting, thanks, acknowledge and confirm
# words are read from faq/ as well).
CLOSING_WORDS = frozenset({"再见", "拜拜", "拜", "bye", "晚安", "不是", "不对", "不要", "不用", "不用了", "没有",
                           "没得", "不", "是", "对", "没事", "没事了", "算了"})
SMALL_TALK_GROUPS = ("greeting", "thanks", "acknowledge", "confirm", "cancel", "not_a_name", "end_handoff")
HANDLED = {GapStatus.PHRASING: "已加为问法", GapStatus.NEW_ENTRY: "已新建条目", GapStatus.NOT_OURS: "不归我们管",
           GapStatus.NOISE: "不是问题", GapStatus.OPEN: "待处理"}


def mask(text: str) -> str:
    """Phone, ID and other long numbers replaced, so a gap never holds them."""
    text = _ID_NUMBER.sub("[身份证号]", text)
    return _LONG_NUMBER.sub("[号码]", text)


def is_noise(text: str, after_form: bool = False) -> bool:
    """Not a question staff could teach the assistant: see the module's docstring."""
    if after_form or _LINK.search(text):
        return True
    if sum(1 for c in text if unicodedata.category(c)[0] in "LN") < 2:
        return True  # emoji, punctuation, a single character
    word = command_word(text)
    if word in _small_talk() or word.rstrip(_PARTICLES) in _small_talk():
        return True
    if looks_like_question(text):
        return False
    # An answer to a question the assistant no longer asks: a name, a phone or an ID number.
    snapshot = current.bound()
    commands = snapshot.knowledge.lexicon.commands if snapshot is not None else {}
    return bool(_LONG_NUMBER.search(text) or parse_phone(text) or
                parse_name(text, commands.get("not_a_name", ()), commands.get("not_in_names", ())))


def _small_talk() -> frozenset[str]:
    snapshot = current.bound()
    if snapshot is None:
        return CLOSING_WORDS
    commands = snapshot.knowledge.lexicon.commands
    return CLOSING_WORDS.union(*(commands.get(group, ()) for group in SMALL_TALK_GROUPS))


def count_gap(session: Session, normalized: str, example: str, outcome: str, now: datetime,
              after_form: bool = False) -> None:
    """One atomic upsert: residents asking the same new question at once each add one, none fails.

    ``after_form``: the message came as a form closed (timed out, left): an answer to it, not a question.
    A gap staff thought fixed (a phrasing added, an entry started) that is missed again is open again."""
    if is_noise(example, after_form):
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(FaqGap).values(normalized=mask(normalized)[:255], example=mask(example), outcome=outcome,
                                      count=1, first_at=now, last_at=now, status=GapStatus.OPEN)
    fixed = FaqGap.status.in_([GapStatus.PHRASING, GapStatus.NEW_ENTRY])
    session.execute(statement.on_conflict_do_update(
        index_elements=[FaqGap.normalized],
        set_={"count": FaqGap.count + 1, "last_at": now, "outcome": outcome,
              "status": case((fixed, GapStatus.OPEN), else_=FaqGap.status)},
    ))


def listed(status: str = GapStatus.OPEN, search: str = "") -> Select[tuple[FaqGap]]:
    """Most asked first; ``status`` "" for all."""
    statement = select(FaqGap).order_by(FaqGap.count.desc(), FaqGap.last_at.desc(), FaqGap.id)
    if status:
        statement = statement.where(FaqGap.status == status)
    if search:
        statement = statement.where(or_(FaqGap.example.contains(search), FaqGap.normalized.contains(search)))
    return statement


def add_as_phrasing(session: Session, gap: FaqGap, entry: Entry, who: str, now: datetime) -> None:
    """The resident's wording becomes a phrasing of ``entry``: the same question is answered from now on."""
    knowledge.add_phrasing(session, entry, gap.example, who, now)
    mark(session, gap, GapStatus.PHRASING, who, now, entry.id)


def mark(session: Session, gap: FaqGap, status: GapStatus, who: str, now: datetime,
         entry_id: str | None = None) -> None:
    gap.status, gap.entry_id, gap.handled_by, gap.handled_at = status, entry_id, who[:64], now
    session.flush()
