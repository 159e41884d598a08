"""The numbers on the 工作台: what needs someone's attention now."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Booking, FaqGap, HandoffRequest, Outbox, Ticket

PROBLEM_OUTBOX = ("failed", "skipped", "unknown")


@dataclass(frozen=True)
class Overview:
    open_cases: int
    longest_wait_minutes: int
    new_reports: int
    overdue_reports: int
    bookings_today: int
    gaps_this_week: int
    outbox: dict[str, int]
    outbox_problems: list[tuple[str, str, int]] = field(default_factory=list)  # status, reason, count


def overview(session: Session, now: datetime, tz: tzinfo) -> Overview:
    oldest = session.scalar(select(func.min(HandoffRequest.created_at)).where(
        HandoffRequest.status == "open", HandoffRequest.answered_at.is_(None)))
    received = select(func.count()).select_from(Ticket).where(Ticket.status == "已受理")
    return Overview(
        open_cases=session.scalar(select(func.count()).select_from(HandoffRequest)
                                  .where(HandoffRequest.status == "open")) or 0,
        longest_wait_minutes=int((now - oldest).total_seconds() // 60) if oldest else 0,
        new_reports=session.scalar(received) or 0,
        overdue_reports=session.scalar(received.where(Ticket.respond_by < now)) or 0,  # the category's limit
        bookings_today=session.scalar(select(func.count()).select_from(Booking).where(
            Booking.day == now.astimezone(tz).date(), Booking.status == "booked")) or 0,
        gaps_this_week=session.scalar(select(func.count()).select_from(FaqGap)
                                      .where(FaqGap.last_at >= now - timedelta(days=7))) or 0,
        outbox=dict(session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()),
        outbox_problems=[(s, r or "", n) for s, r, n in session.execute(
            select(Outbox.status, Outbox.reason, func.count()).where(Outbox.status.in_(PROBLEM_OUTBOX))
            .group_by(Outbox.status, Outbox.reason).order_by(func.count().desc()).limit(10))],
    )
