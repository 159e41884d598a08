"""Shared by bookings, reports and classes: daily numbers, race-free seats, picking one's own record."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Invalid, Slot, Values
from bot.conversation.message import Reply

ATTEMPTS = 12


def next_number(ctx: Context, column: InstrumentedAttribute[str], prefix: str) -> str:
    """DB20261127-003: the prefix, today's local date and the next sequence of that day."""
    stem = f"{prefix}{ctx.local_now:%Y%m%d}-"
    taken = ctx.session.scalars(select(column).where(column.like(f"{stem}%"))).all()
    last = max((int(n.rsplit("-", 1)[1]) for n in taken), default=0)
    return f"{stem}{last + 1:03d}"


def save_racing(session: Session, attempt: Callable[[], bool]) -> bool:
    """Run `attempt` in a savepoint until it stops colliding on a unique key (seat or number).

    `attempt` re-reads what is taken and returns False when nothing is left: on SQLite the
    write lock already serialises it, on PostgreSQL the loser of a race retries here.
    """
    for _ in range(ATTEMPTS):
        try:
            with session.begin_nested():
                if not attempt():
                    return False
                session.flush()
            return True
        except IntegrityError:
            continue
    return False


def free_seat(taken: set[int | None], capacity: int) -> int | None:
    return next((seat for seat in range(1, capacity + 1) if seat not in taken), None)


Options = Callable[[Context], list[tuple[str, str]]]


def pick_slot(name: str, label: str, prompt: Callable[[], str], unknown: Callable[[], str], options: Options) -> Slot:
    """A slot choosing one of the resident's own records (a booking, a class), always as numbered choices.

    ``prompt`` and ``unknown`` are read when asked, never at import: texts come with the snapshot."""

    def parse(ctx: Context, text: str, values: Values) -> str:
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
