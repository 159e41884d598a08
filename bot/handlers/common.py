"""Shared by the features: picking one of the resident's own records; a time soon, as residents read it."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from bot.content import texts
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Invalid, Slot, Values
from bot.conversation.message import Reply

Options = Callable[[Context], list[tuple[str, str]]]
T = TypeVar("T")
WAVED_AWAY = re.compile(r"(?<!要)(不是|不办|不要|不报|不学|不约|别)$")  # 不是居住证, 不报太极了 (not 要不办…)


def named(text: str, things: Sequence[T], words: Callable[[T], Sequence[str]]) -> T | None:
    """The thing a message names by its longest word, leaving out one waved away (我要办医保，不是居住证 /
    不报太极了，报秧歌) and a word inside a longer one (养老保险 in 养老保险认证)."""
    spots = [(found.start(), found.end(), thing) for thing in things for word in words(thing) if word
             for found in re.finditer(re.escape(word), text)]
    kept = [(start, end, thing) for start, end, thing in spots
            if not WAVED_AWAY.search(text[max(0, start - 3):start])
            and not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spots)]
    return max(kept, key=lambda spot: spot[1] - spot[0])[2] if kept else None


def pick_slot(name: str, label: Callable[[], str], prompt: Callable[[], str], unknown: Callable[[], str],
              options: Options) -> Slot:
    """A slot choosing one of the resident's own records (a booking, a class), always as numbered choices.

    ``prompt`` and ``unknown`` are read when asked, never at import: texts come with the snapshot."""

    def parse(ctx: Context, text: str, values: Values) -> str:
        keys = [key for _, key in options(ctx)]
        if text in keys:  # a numbered choice: 秧歌班 is not also 秧歌班（为孙子）
            return text
        found = [key for option_label, key in options(ctx)
                 if key in text or (len(text) >= 2 and text in option_label)]
        if len(found) != 1:
            raise Invalid(unknown())
        return found[0]

    return Slot(name, label, lambda ctx, values: prompt(), parse, choices=lambda ctx, values: options(ctx),
                show_choices=True)


def start_pick(ctx: Context, form: str, slot: str, options: Options, empty: str, named: str | None = None) -> Reply:
    """Open a form on one of the resident's records; preselected when there is one or the text named it."""
    found = [key for _, key in options(ctx)]
    if not found:
        return Reply.say(empty)
    if len(found) == 1 or named in found:
        return dialog.start(ctx, form, {slot: named if named in found else found[0]})
    return dialog.start(ctx, form)


def day_and_time(ctx: Context, local: datetime) -> tuple[str, str]:
    """今天 / 明天 / 12月1日, and 9:30: a local time in the next days, as residents read it."""
    days = (local.date() - ctx.local_now.date()).days
    day = {0: texts.TODAY, 1: texts.TOMORROW}.get(days) or texts.MONTH_DAY.format(month=local.month, day=local.day)
    return day, f"{local.hour}:{local.minute:02d}"
