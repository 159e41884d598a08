"""代办 cases: taken in at the window, moved through their steps, each step told to the resident.

The due date is the item's 承诺时限 counted in working days (national calendar with 调休, and the
centre's own closures) from the day the materials were complete; it restarts when missing
materials are brought.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.services import BookingRules, ServiceItem, Services
from bot.knowledge.chinese import day_label, mask_name, parse_phone
from bot.models import Arrival, Booking, BookingStatus, Case, CaseEvent, CaseStatus, User
from bot.services import bookings, keys, outbox
from bot.services.errors import InvalidTransition, NotAllowed, NotFound
from bot.services.records import next_number, save_racing

log = logging.getLogger(__name__)
RECENTLY_DONE = timedelta(days=30)  # a finished case still shows in 我的代办 this long
# 退回补材料 waits for the resident; bringing what was missing makes it 材料已收 again.
NEXT: dict[str, tuple[CaseStatus, ...]] = {
    CaseStatus.RECEIVED: (CaseStatus.IN_PROGRESS, CaseStatus.READY, CaseStatus.DONE, CaseStatus.RETURNED),
    CaseStatus.IN_PROGRESS: (CaseStatus.READY, CaseStatus.DONE, CaseStatus.RETURNED),
    CaseStatus.READY: (CaseStatus.DONE,),
    CaseStatus.RETURNED: (CaseStatus.RECEIVED, CaseStatus.DONE),
    CaseStatus.DONE: (),
}
CLOCK_RUNS = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS)  # only these can be late: the others wait on nobody


@dataclass(frozen=True)
class Applicant:
    """Who the errand is for, as given at the window."""

    name: str
    phone: str


def due_date(received: date, working_days: int, is_open: Callable[[date], bool]) -> date:
    """The Nth open day after `received` (当场办结, N = 0, is the day itself)."""
    day, left = received, working_days
    while left > 0:
        day += timedelta(days=1)
        if is_open(day):
            left -= 1
    return day


def is_overdue(case: Case, today: date) -> bool:
    return case.status in CLOCK_RUNS and case.due_on is not None and today > case.due_on


def from_booking(session: Session, booking: Booking, *, services: Services, missing: str, by: str,
                 now: datetime, tz: tzinfo) -> Case:
    """The booked resident is at the window: they are marked 到了 and their errand becomes a case."""
    if booking.status == BookingStatus.CANCELLED:
        raise NotAllowed(texts.CASE_BOOKING_CANCELLED)
    existing = session.scalars(select(Case).where(Case.booking_id == booking.id)).first()
    if existing is not None:
        raise NotAllowed(texts.CASE_BOOKING_HAS_CASE.format(number=existing.number))
    bookings.mark_attendance(booking, Arrival.ARRIVED, now)
    user = session.get(User, booking.user_id) if booking.user_id else None
    return _open(session, services=services, item=_item(services, booking.service_id), user=user,
                 applicant=Applicant(booking.name or "", booking.phone or ""), booking=booking, missing=missing,
                 by=by, now=now, tz=tz)


def walk_in(session: Session, *, services: Services, item_id: str, name: str, phone: str, missing: str, by: str,
            now: datetime, tz: tzinfo) -> Case:
    """A resident without a booking; linked to the resident whose stored phone it is, when exactly one is."""
    name = name.strip()
    if not name:
        raise NotAllowed(texts.CASE_NAME_REQUIRED)
    number = parse_phone(phone)
    if number is None:
        raise NotAllowed(texts.CASE_PHONE_INVALID)
    item = services.item(item_id)
    if item is None:
        raise NotAllowed(texts.CASE_ITEM_UNKNOWN)
    owners = session.scalars(select(User).where(User.phone == number).limit(2)).all()
    return _open(session, services=services, item=item, user=owners[0] if len(owners) == 1 else None,
                 applicant=Applicant(name, number), booking=None, missing=missing, by=by, now=now, tz=tz)


def change_status(session: Session, case: Case, status: str, *, services: Services, note: str = "",
                  missing: str = "", by: str, now: datetime, tz: tzinfo) -> None:
    """One step; the resident is told. Raises InvalidTransition, or NotAllowed for 退回 without what is missing."""
    if status not in NEXT.get(case.status, ()):
        allowed = "、".join(NEXT.get(case.status, ())) or texts.CASE_FINISHED
        raise InvalidTransition(texts.CASE_CANNOT_MOVE.format(number=case.number, status=case.status,
                                                              allowed=allowed))
    if status == CaseStatus.RETURNED and not missing.strip():
        raise NotAllowed(texts.CASE_MISSING_REQUIRED)
    _step(session, case, CaseStatus(status), services=services, note=note.strip(), missing=missing.strip(), by=by,
          now=now, tz=tz)


def find(session: Session, ref: str) -> Case:
    """A case by its number (BJ20261127-001) or its row id."""
    case = session.scalars(select(Case).where(Case.number == ref.strip().upper())).first()
    if case is None and ref.strip().isdigit():
        case = session.get(Case, int(ref))
    if case is None:
        raise NotFound(ref)
    return case


def listing(session: Session, *, today: date, status: str = "", item: str = "", overdue: bool = False) -> list[Case]:
    """The desk's case list, late ones first, then by due date; filtered as staff asked."""
    query = select(Case)
    if status:
        query = query.where(Case.status == status)
    if item:
        query = query.where(Case.service_id == item)
    if overdue:
        query = query.where(Case.status.in_(CLOCK_RUNS), Case.due_on < today)
    rows = session.scalars(query.order_by(Case.id.desc())).all()
    return sorted(rows, key=lambda c: (not is_overdue(c, today), c.status == CaseStatus.DONE,
                                       c.due_on or date.max))


def of_resident(session: Session, user_id: int, now: datetime) -> list[Case]:
    """What 我的代办 shows: every open case, and those finished within the last month."""
    rows = session.scalars(select(Case).where(Case.user_id == user_id).order_by(Case.id)).all()
    return [c for c in rows if c.status != CaseStatus.DONE or now - c.updated_at <= RECENTLY_DONE]


def opening_hours(rules: BookingRules) -> str:
    """09:00—12:00、14:00—17:30: when a ready case can be collected."""
    return "、".join(bookings.hours(rules, p.id) for p in rules.periods)


def _item(services: Services, service_id: str) -> ServiceItem:
    item = services.item(service_id)
    if item is None:
        raise NotAllowed(texts.CASE_ITEM_UNKNOWN)
    return item


def _open(session: Session, *, services: Services, item: ServiceItem, user: User | None, applicant: Applicant,
          booking: Booking | None, missing: str, by: str, now: datetime, tz: tzinfo) -> Case:
    case = Case(user_id=user.id if user else None, booking_id=booking.id if booking else None,
                service_id=item.id, name=applicant.name, phone=applicant.phone, created_at=now, updated_at=now)

    def attempt() -> bool:
        case.number = next_number(session, Case.number, "BJ", now.astimezone(tz))
        session.add(case)
        return True

    case.status = CaseStatus.RETURNED if missing.strip() else CaseStatus.RECEIVED
    save_racing(session, attempt)
    _step(session, case, CaseStatus(case.status), services=services, note="", missing=missing.strip(), by=by,
          now=now, tz=tz)
    log.info("case %s %s for %s", case.number, item.id, mask_name(applicant.name))
    return case


def _step(session: Session, case: Case, status: CaseStatus, *, services: Services, note: str, missing: str, by: str,
          now: datetime, tz: tzinfo) -> None:
    item = _item(services, case.service_id)
    rules = bookings.rules_in_force(session, services.booking)
    if status == CaseStatus.RECEIVED:
        case.received_on = now.astimezone(tz).date()
        days = item.working_days
        case.due_on = None if days is None else due_date(case.received_on, days, rules.is_open)
    case.status, case.updated_at = status, now
    case.missing = missing if status == CaseStatus.RETURNED else ""
    event = CaseEvent(status=status, note=missing or note, by=by, at=now)
    case.events.append(event)
    session.flush()
    _tell(session, case, item, rules, note, event.id, now)


def _tell(session: Session, case: Case, item: ServiceItem, rules: BookingRules, note: str, event_id: int,
          now: datetime) -> None:
    """The resident's WeChat hears of each step; a walk-in nobody's WeChat is linked to is not told."""
    user = session.get(User, case.user_id) if case.user_id else None
    if user is None:
        return
    text = {
        CaseStatus.RECEIVED: texts.CASE_RECEIVED, CaseStatus.IN_PROGRESS: texts.CASE_IN_PROGRESS,
        CaseStatus.READY: texts.CASE_READY, CaseStatus.DONE: texts.CASE_DONE, CaseStatus.RETURNED: texts.CASE_RETURNED,
    }[case.status].format(item=item.name, number=case.number, promise=promise(case, item), missing=case.missing,
                          place=rules.place, hours=opening_hours(rules))
    if note:
        text += "\n" + texts.CASE_NOTE.format(note=note)
    outbox.enqueue(session, openid=user.openid, text=text, key=keys.case_status(case.number, event_id), due_at=now)


def promise(case: Case, item: ServiceItem | None) -> str:
    """承诺12月18日 周五前办好; 当天办好; or the catalogue's words when they name no count of days."""
    if case.due_on is None:
        return texts.CASE_LIMIT.format(limit=item.time_limit if item else "")
    if case.due_on == case.received_on:
        return texts.CASE_SAME_DAY
    return texts.CASE_DUE.format(due=day_label(case.due_on))
