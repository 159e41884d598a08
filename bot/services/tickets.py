"""Problem reports (网格化服务管理): opened by residents, worked by staff, each change told, then rated."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.models import Attachment, Ticket, TicketEvent, TicketStatus, User
from bot.services import keys, outbox
from bot.services.errors import InvalidTransition, NotAllowed, NotFound
from bot.services.records import next_number, save_racing

log = logging.getLogger(__name__)
BY_ASSISTANT = "小助手"
PHOTO_JUST_BEFORE = timedelta(minutes=10)  # longer, and the photo may be of something else
BY_RESIDENT = "居民"
HAPPY, UNHAPPY = "满意", "不满意"
# A report moves forward only; a finished one stays finished (a new problem is a new report).
NEXT: dict[str, tuple[TicketStatus, ...]] = {
    TicketStatus.RECEIVED: (TicketStatus.IN_PROGRESS, TicketStatus.DONE),
    TicketStatus.IN_PROGRESS: (TicketStatus.DONE,),
    TicketStatus.DONE: (),
}


@dataclass(frozen=True)
class Place:
    """Where the problem is: the resident's words, or a WeChat location with its label."""

    text: str
    latitude: float | None = None
    longitude: float | None = None


def open_ticket(session: Session, *, user: User, category: str, grid: str, assignee: str, place: Place,
                description: str, media_id: str | None, pic_url: str | None, now: datetime,
                tz: tzinfo) -> Ticket:
    """A numbered ticket for the grid worker (or the category's own handler), 已受理 at once."""
    ticket = Ticket(
        user_id=user.id, category=category, grid=grid, assignee=assignee, location=place.text,
        latitude=place.latitude, longitude=place.longitude, description=description, media_id=media_id,
        pic_url=pic_url, status=TicketStatus.RECEIVED, created_at=now,
    )

    def attempt() -> bool:
        ticket.number = next_number(session, Ticket.number, "WG", now.astimezone(tz))
        session.add(ticket)
        return True

    save_racing(session, attempt)
    ticket.events.append(TicketEvent(status=TicketStatus.RECEIVED, by=BY_ASSISTANT, at=now))
    log.info("ticket %s %s → %s", ticket.number, ticket.category, ticket.assignee)
    return ticket


def find(session: Session, ref: str) -> Ticket:
    """A ticket by its number (WG20261127-001) or its row id."""
    ticket = session.scalars(select(Ticket).where(Ticket.number == ref.upper())).first()
    if ticket is None and ref.isdigit():
        ticket = session.get(Ticket, int(ref))
    if ticket is None:
        raise NotFound(ref)
    return ticket


def listing(session: Session, status: str | None = None) -> list[Ticket]:
    """All reports (or those in one status), newest first."""
    query = select(Ticket).order_by(Ticket.id.desc())
    if status:
        query = query.where(Ticket.status == status)
    return list(session.scalars(query))


def of_resident(session: Session, user_id: int, limit: int = 10) -> list[Ticket]:
    """The resident's latest reports, newest first (查询进度)."""
    return list(session.scalars(
        select(Ticket).where(Ticket.user_id == user_id).order_by(Ticket.id.desc()).limit(limit)))


def assign(ticket: Ticket, worker: str, by: str, now: datetime) -> None:
    """Another worker takes the report over; the history says who handed it on."""
    worker = worker.strip()
    if not worker:
        raise NotAllowed(texts.TICKET_WHO_TAKES_OVER)
    ticket.assignee = worker
    ticket.events.append(TicketEvent(status=ticket.status, note=f"转交{worker}", by=by, at=now))


def change_status(session: Session, ticket: Ticket, status: str, note: str, by: str, now: datetime) -> None:
    """Every change is recorded and queued to the resident; after 已办结 they are asked to rate it.

    Raises InvalidTransition for a status the report cannot move to from where it is.
    """
    if status not in NEXT.get(ticket.status, ()):
        allowed = "、".join(NEXT.get(ticket.status, ())) or texts.TICKET_CLOSED_NO_NEXT
        raise InvalidTransition(texts.TICKET_CANNOT_MOVE.format(number=ticket.number, status=ticket.status,
                                                                allowed=allowed))
    ticket.status = TicketStatus(status)
    ticket.events.append(TicketEvent(status=status, note=note, by=by, at=now))
    user = session.get(User, ticket.user_id) if ticket.user_id else None
    if user is None:
        return
    lines = [texts.REPORT_STATUS_CHANGED.format(number=ticket.number, category=ticket.category, status=status)]
    if note:
        lines.append(texts.REPORT_STATUS_NOTE.format(note=note))
    if status == TicketStatus.DONE:
        lines.append(texts.REPORT_RATE_HINT)
    outbox.enqueue(session, openid=user.openid, text="\n".join(lines), key=keys.ticket_status(ticket.number, status),
                   due_at=now)


def awaiting_rating(tickets: list[Ticket]) -> bool:
    """A finished report not yet rated: the resident is reminded they can rate it."""
    return any(t.status == TicketStatus.DONE and t.satisfaction is None for t in tickets)


def rate(session: Session, user: User, words: str, now: datetime) -> Ticket | None:
    """The resident's latest finished, unrated report gets 满意/不满意; None when there is none."""
    ticket = session.scalars(select(Ticket).where(
        Ticket.user_id == user.id, Ticket.status == TicketStatus.DONE, Ticket.satisfaction.is_(None),
    ).order_by(Ticket.id.desc())).first()
    if ticket is None:
        return None
    ticket.satisfaction = UNHAPPY if UNHAPPY in words else HAPPY
    ticket.events.append(TicketEvent(status=ticket.status, note=f"居民评价：{words}", by=BY_RESIDENT, at=now))
    return ticket


def unused_photo(session: Session, user_id: int, now: datetime) -> dict[str, Any] | None:
    """A photo sent just before a report, and not already part of one of this resident's reports."""
    used = select(Ticket.id).where(Ticket.user_id == user_id, Ticket.media_id == Attachment.media_id).exists()
    image = session.scalars(
        select(Attachment).where(Attachment.user_id == user_id, Attachment.kind == "image",
                                 Attachment.created_at >= now - PHOTO_JUST_BEFORE, ~used)
        .order_by(Attachment.id.desc())).first()
    return {"media_id": image.media_id, "url": image.url} if image else None
