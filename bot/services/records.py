"""Daily record numbers and race-free seats, shared by bookings, tickets and enrollments."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

ATTEMPTS = 12


def next_number(session: Session, column: InstrumentedAttribute[str], prefix: str, local_now: datetime) -> str:
    """DB20261127-003: the prefix, today's local date and the next sequence of that day."""
    stem = f"{prefix}{local_now:%Y%m%d}-"
    taken = session.scalars(select(column).where(column.like(f"{stem}%"))).all()
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
    """The lowest seat number nobody holds, so a freed seat is reused first."""
    return next((seat for seat in range(1, capacity + 1) if seat not in taken), None)
