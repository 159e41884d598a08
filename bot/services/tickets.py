"""Problem reports (网格化服务管理): opened by residents, worked by staff, each change told, then rated."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.catalog import HoursRule
from bot.content.services import Category, Services
from bot.content.workdays import is_working_day
from bot.models import Attachment, StaffAccount, Ticket, TicketEvent, TicketStatus, User
from bot.services import accounts, keys, outbox
from bot.services.accounts import Role
from bot.services.errors import InvalidTransition, NotAllowed, NotFound
from bot.services.records import next_number, save_racing

log = logging.getLogger(__name__)
BY_ASSISTANT = "小助手"
PHOTO_JUST_BEFORE = timedelta(minutes=10)  # longer, and the photo may be of something else
SPOKEN_DURING = timedelta(minutes=30)  # voice messages this recent were said while making the report
LOOK_AHEAD_DAYS = 400  # a working-hours clock never needs more; beyond it the office has no hours at all
MAX_NOTE = 1000
PAGE = "/console/reports/{id}"
BY_RESIDENT = "居民"
HAPPY, UNHAPPY = "满意", "不满意"
# A report moves forward only; a finished one stays finished (a new problem is a new report).
NEXT: dict[str, tuple[TicketStatus, ...]] = {
    TicketStatus.RECEIVED: (TicketStatus.IN_PROGRESS, TicketStatus.DONE),
    TicketStatus.IN_PROGRESS: (TicketStatus.DONE,),
    TicketStatus.DONE: (),
}


def page_link(public_url: str) -> str:
    """The address of a report's console page, with {id} left to fill, for notices to staff."""
    return public_url.rstrip("/") + PAGE


@dataclass(frozen=True)
class Place:
    """Where the problem is: the resident's words, or a WeChat location with its label."""

    text: str
    latitude: float | None = None
    longitude: float | None = None


def open_ticket(session: Session, *, user: User, category: str, grid: str, assignee: str, place: Place,
                description: str, media_id: str | None, pic_url: str | None, now: datetime,
                tz: tzinfo, due: tuple[datetime, datetime] | None = None) -> Ticket:
    """A numbered ticket for the grid worker (or the category's own handler), 已受理 at once.

    `due` is (respond by, resolve by) from `deadlines`; the photo and the voice messages of the report
    are linked to it, so the background worker fetches them before WeChat forgets them.
    """
    ticket = Ticket(
        user_id=user.id, category=category, grid=grid, assignee=assignee, location=place.text,
        latitude=place.latitude, longitude=place.longitude, description=description, media_id=media_id,
        pic_url=pic_url, status=TicketStatus.RECEIVED, created_at=now,
        respond_by=due[0] if due else None, resolve_by=due[1] if due else None,
    )

    def attempt() -> bool:
        ticket.number = next_number(session, Ticket.number, "WG", now.astimezone(tz))
        session.add(ticket)
        return True

    save_racing(session, attempt)
    ticket.events.append(TicketEvent(status=TicketStatus.RECEIVED, by=BY_ASSISTANT, at=now))
    _link_media(session, ticket, now)
    log.info("ticket %s %s → %s", ticket.number, ticket.category, ticket.assignee)
    return ticket


def _link_media(session: Session, ticket: Ticket, now: datetime) -> None:
    """The report's photo and what the resident said by voice while making it become the ticket's media."""
    session.flush()
    if ticket.media_id:
        photo = session.scalars(select(Attachment).where(
            Attachment.user_id == ticket.user_id, Attachment.media_id == ticket.media_id,
            Attachment.ticket_id.is_(None))).first()
        if photo is None:
            photo = Attachment(user_id=ticket.user_id, kind="image", media_id=ticket.media_id, url=ticket.pic_url,
                               created_at=now)
            session.add(photo)
        photo.ticket_id = ticket.id
    for voice in session.scalars(select(Attachment).where(
            Attachment.user_id == ticket.user_id, Attachment.kind == "voice", Attachment.ticket_id.is_(None),
            Attachment.created_at >= now - SPOKEN_DURING)):
        voice.ticket_id = ticket.id


def deadlines(category: Category, office: Sequence[HoursRule], start: datetime,
              tz: tzinfo) -> tuple[datetime, datetime]:
    """When a person must have taken the report up, and when it must be finished (the category's limits)."""
    return (working_deadline(start, category.respond_hours, office, tz),
            working_deadline(start, category.resolve_hours, office, tz))


def working_deadline(start: datetime, hours: int, office: Sequence[HoursRule], tz: tzinfo) -> datetime:
    """`hours` of office time after `start`, counting only national working days (调休 Saturdays count,
    holidays do not) and, on each, the office hours of its weekday."""
    left = timedelta(hours=hours)
    cursor = start.astimezone(tz)
    day = cursor.date()
    for _ in range(LOOK_AHEAD_DAYS):
        if is_working_day(day):
            for rule in sorted((r for r in office if day.isoweekday() in r.days), key=lambda r: r.start):
                opens = max(datetime.combine(day, rule.start, tzinfo=tz), cursor)
                closes = datetime.combine(day, rule.end, tzinfo=tz)
                if closes <= opens:
                    continue
                if left <= closes - opens:
                    return (opens + left).astimezone(UTC)
                left -= closes - opens
        day += timedelta(days=1)
    raise ValueError("faq/office.yaml: no office hours on any working day ahead")


def find(session: Session, ref: str) -> Ticket:
    """A ticket by its number (WG20261127-001) or its row id."""
    ticket = session.scalars(select(Ticket).where(Ticket.number == ref.upper())).first()
    if ticket is None and ref.isdigit():
        ticket = session.get(Ticket, int(ref))
    if ticket is None:
        raise NotFound(ref)
    return ticket


@dataclass(frozen=True)
class Filters:
    """What a staff member narrowed the queue to; empty means any. `grids` None: every grid."""

    grids: Sequence[str] | None = None
    grid: str = ""
    category: str = ""
    status: str = ""  # a TicketStatus, OPEN, FOLLOW_UP or "" (all)
    older_than_days: int = 0
    newer_than_days: int = 0
    late_only: bool = False


OPEN, FOLLOW_UP = "未办结", "待回访"
STATUS_CHOICES = (OPEN, *TicketStatus, FOLLOW_UP)


def queue(session: Session, filters: Filters, now: datetime) -> list[Ticket]:
    """The reports a staff member works on: late ones first, then newest first."""
    query = select(Ticket).order_by(Ticket.id.desc())
    if filters.grids is not None:
        query = query.where(Ticket.grid.in_(list(filters.grids)))
    if filters.grid:
        query = query.where(Ticket.grid == filters.grid)
    if filters.category:
        query = query.where(Ticket.category == filters.category)
    if filters.status == OPEN:
        query = query.where(Ticket.status != TicketStatus.DONE)
    elif filters.status == FOLLOW_UP:
        query = query.where(Ticket.follow_up_at.is_not(None), Ticket.follow_up_closed_at.is_(None))
    elif filters.status:
        query = query.where(Ticket.status == filters.status)
    if filters.older_than_days:
        query = query.where(Ticket.created_at < now - timedelta(days=filters.older_than_days))
    if filters.newer_than_days:
        query = query.where(Ticket.created_at >= now - timedelta(days=filters.newer_than_days))
    if filters.late_only:
        query = query.where(Ticket.status != TicketStatus.DONE, or_(
            and_(Ticket.responded_at.is_(None), Ticket.respond_by < now), Ticket.resolve_by < now))
    found = list(session.scalars(query))
    return sorted(found, key=lambda t: lateness(t, now) is None)  # stable: newest first within each


def lateness(ticket: Ticket, now: datetime) -> str | None:
    """What is late about a report staff still owe something on: nobody took it up, or it is not finished."""
    if ticket.status == TicketStatus.DONE:
        return None
    if ticket.responded_at is None and ticket.respond_by is not None and ticket.respond_by < now:
        return "超时未接手"
    if ticket.resolve_by is not None and ticket.resolve_by < now:
        return "超时未办结"
    return None


def visible_grids(account: StaffAccount, services: Services) -> list[str] | None:
    """A grid worker sees the reports of their own grids; everyone else sees all (None)."""
    return services.grid_names(list(account.grids or [])) if account.role == Role.GRID else None


def may_see(account: StaffAccount, services: Services, ticket: Ticket) -> bool:
    grids = visible_grids(account, services)
    return grids is None or ticket.grid in grids


WORKERS = (Role.ADMIN, Role.STAFF, Role.GRID)


def may_work(account: StaffAccount | None, services: Services, ticket: Ticket) -> bool:
    """Office staff work every report, a grid worker those of their grids, a viewer none."""
    return account is not None and account.role in WORKERS and may_see(account, services, ticket)


def of_resident(session: Session, user_id: int, limit: int = 10) -> list[Ticket]:
    """The resident's latest reports, newest first (查询进度)."""
    return list(session.scalars(
        select(Ticket).where(Ticket.user_id == user_id).order_by(Ticket.id.desc()).limit(limit)))


def assign(session: Session, ticket: Ticket, worker: str, by: str, now: datetime, link: str = "") -> None:
    """Another worker takes the report over; the history says who handed it on.

    A worker who is a console account (by login or name) is linked, and told in WeChat when bound
    (`link` has {id}); anyone else (水务站老王) is kept by name.
    """
    worker = worker.strip()
    if not worker:
        raise NotAllowed(texts.TICKET_WHO_TAKES_OVER)
    account = session.scalars(select(StaffAccount).where(
        StaffAccount.active.is_(True), or_(StaffAccount.username == worker, StaffAccount.name == worker))).first()
    ticket.assignee = account.name if account else worker
    ticket.assignee_id = account.id if account else None
    ticket.events.append(TicketEvent(status=ticket.status, note=f"转交{ticket.assignee}", by=by, at=now))
    if account is not None and account.openid:
        text = texts.TICKET_ASSIGNED.format(number=ticket.number, grid=ticket.grid, category=ticket.category,
                                            description=ticket.description[:60], link=link.format(id=ticket.id))
        outbox.enqueue(session, openid=account.openid, text=text, due_at=now,
                       key=keys.ticket_assigned(ticket.number, account.id, len(ticket.events)))


def add_note(ticket: Ticket, note: str, by: str, now: datetime) -> None:
    """A note for staff only: it joins the timeline, the resident is never sent it."""
    note = note.strip()
    if not note:
        raise NotAllowed(texts.TICKET_NOTE_EMPTY)
    ticket.events.append(TicketEvent(status=ticket.status, note=note[:MAX_NOTE], by=by, at=now, internal=True))


def change_status(session: Session, ticket: Ticket, status: str, note: str, by: str, now: datetime) -> None:
    """Every change is recorded and queued to the resident; after 已办结 they are asked to rate it.

    The first change is the response the clock waits for. Raises InvalidTransition for a status the
    report cannot move to from where it is.
    """
    if status not in NEXT.get(ticket.status, ()):
        allowed = "、".join(NEXT.get(ticket.status, ())) or texts.TICKET_CLOSED_NO_NEXT
        raise InvalidTransition(texts.TICKET_CANNOT_MOVE.format(number=ticket.number, status=ticket.status,
                                                                allowed=allowed))
    note = note.strip()[:MAX_NOTE]
    ticket.status = TicketStatus(status)
    ticket.responded_at = ticket.responded_at or now
    if status == TicketStatus.DONE:
        ticket.resolved_at = now
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


def close_follow_up(ticket: Ticket, note: str, by: str, now: datetime) -> None:
    """The 回访 after a 不满意 is done: what the resident said is kept on the report."""
    if ticket.follow_up_at is None or ticket.follow_up_closed_at is not None:
        raise NotAllowed(texts.TICKET_NO_FOLLOW_UP.format(number=ticket.number))
    note = note.strip()
    if not note:
        raise NotAllowed(texts.TICKET_FOLLOW_UP_NOTE)
    ticket.follow_up_closed_at, ticket.follow_up_note = now, note[:MAX_NOTE]
    ticket.events.append(TicketEvent(status=ticket.status, note=f"回访：{note[:MAX_NOTE]}", by=by, at=now,
                                     internal=True))


def notify_new(session: Session, ticket: Ticket, services: Services, link: str, tz: tzinfo) -> int:
    """The grid's bound workers hear of a new report with a link (`link` has {id}); with none bound, the
    office staff do, so a report never waits unseen."""
    grid = services.grid(ticket.grid)
    workers = [a for a in accounts.bound(session, (Role.GRID,)) if grid is not None and grid.number in (a.grids or [])]
    told = workers or accounts.bound(session, (Role.ADMIN, Role.STAFF))
    due = ticket.respond_by.astimezone(tz).strftime("%m月%d日%H:%M") if ticket.respond_by else "尽快"
    text = texts.TICKET_NEW.format(number=ticket.number, grid=ticket.grid, category=ticket.category,
                                   description=ticket.description[:60], place=ticket.location, due=due,
                                   link=link.format(id=ticket.id))
    for account in told:
        outbox.enqueue(session, openid=account.openid, text=text, key=keys.ticket_new(ticket.number, account.id))
    if not told:
        log.warning("ticket %s: no staff account has a bound WeChat to tell", ticket.number)
    return len(told)


def escalate(session: Session, now: datetime, link: str, tz: tzinfo) -> int:
    """Reports past their response or resolution limit go to the admins, once per limit (`link` has {id})."""
    late_response = session.scalars(select(Ticket).where(
        Ticket.status == TicketStatus.RECEIVED, Ticket.respond_by < now, Ticket.response_escalated_at.is_(None))).all()
    late_resolve = session.scalars(select(Ticket).where(
        Ticket.status != TicketStatus.DONE, Ticket.resolve_by < now, Ticket.resolve_escalated_at.is_(None))).all()
    admins = accounts.bound(session, (Role.ADMIN,))
    for ticket in late_response:
        ticket.response_escalated_at = now
        _tell(session, admins, ticket, texts.TICKET_LATE_RESPONSE, ticket.respond_by, "response", link, tz)
    for ticket in late_resolve:
        ticket.resolve_escalated_at = now
        _tell(session, admins, ticket, texts.TICKET_LATE_RESOLVE, ticket.resolve_by, "resolve", link, tz)
    return len(late_response) + len(late_resolve)


def _tell(session: Session, admins: list[StaffAccount], ticket: Ticket, template: str, due: datetime, clock: str,
          link: str, tz: tzinfo) -> None:
    text = template.format(number=ticket.number, grid=ticket.grid, category=ticket.category,
                           due=due.astimezone(tz).strftime("%m月%d日%H:%M"), link=link.format(id=ticket.id))
    for admin in admins:
        outbox.enqueue(session, openid=admin.openid, text=text, key=keys.ticket_late(ticket.number, clock, admin.id))


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
    if ticket.satisfaction == UNHAPPY:
        ticket.follow_up_at = now  # a person calls back: the 回访 task shows on the queue
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
