"""Shared by bookings and classes: picking one of the resident's own records."""
from __future__ import annotations

from collections.abc import Callable

from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Invalid, Slot, Values
from bot.conversation.message import Reply

Options = Callable[[Context], list[tuple[str, str]]]


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
