"""Queue outbound messages and reminders inside the caller's transaction; the scheduler sends them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Outbox, Reminder, ReminderStatus, utcnow


def enqueue(session: Session, *, openid: str, text: str, key: str, due_at: datetime | None = None,
            announcement_id: int | None = None, payload: dict[str, Any] | None = None) -> Outbox:
    """One row per message and recipient; the key makes a second enqueue of the same thing a no-op."""
    existing = session.scalars(select(Outbox).where(Outbox.key == key)).first()
    if existing is not None:
        return existing
    row = Outbox(key=key, openid=openid, text=text, due_at=due_at or utcnow(),
                 announcement_id=announcement_id, payload=payload or {})
    session.add(row)
    return row


def schedule_reminder(session: Session, *, key: str, openid: str, fire_at: datetime, text: str) -> Reminder:
    """Idempotent per (key, resident, time): the sent-ledger that keeps a reminder to one delivery."""
    existing = session.scalars(
        select(Reminder).where(Reminder.key == key, Reminder.openid == openid, Reminder.fire_at == fire_at)
    ).first()
    if existing is not None:
        return existing
    row = Reminder(key=key, openid=openid, fire_at=fire_at, text=text)
    session.add(row)
    return row


def cancel_reminders(session: Session, key: str) -> None:
    """Reminders not yet due stop; those already queued or sent stay as the record."""
    pending = select(Reminder).where(Reminder.key == key, Reminder.status == ReminderStatus.PENDING)
    for reminder in session.scalars(pending):
        reminder.status = ReminderStatus.CANCELLED
