"""代办 bookings: half-day places with seat numbers, one booking per errand, the evening-before reminder,
and the desk's side: the day's list, look-up, 到了 / 未到, and the capacity and closures staff edit."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.services import BookingRules, ServiceItem, Services
from bot.knowledge.chinese import day_label, mask_name, mask_phone
from bot.models import Arrival, Booking, BookingStatus, Case, Closure, KeyValue, ReminderStatus, User
from bot.services import keys, outbox
from bot.services.errors import NotAllowed, NotFound, SlotTaken
from bot.services.records import free_seat, next_number, save_racing

log = logging.getLogger(__name__)


class AlreadyBooked(NotAllowed):
    """The same errand twice is a slip, not a wish: the first visit settles it."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.number)
        self.booking = booking


MOST_PLACES = 50  # more than a service centre's window serves in half a day: a typing slip


def rules_in_force(session: Session, rules: BookingRules) -> BookingRules:
    """The file's rules with the staff's console edits on top: their capacity, and their whole-day closures."""
    capacity = session.get(KeyValue, keys.desk_capacity())
    closed = session.scalars(select(Closure.day).where(Closure.period == "")).all()
    return rules.model_copy(update={
        "per_half_day": int(capacity.value) if capacity is not None else rules.per_half_day,
        "closures": tuple(sorted({*rules.closures, *closed}))})


def closed_half_days(session: Session) -> set[tuple[date, str]]:
    """Half-days staff closed (a meeting in the afternoon): the day stays a working day."""
    return {(d, p) for d, p in session.execute(select(Closure.day, Closure.period).where(Closure.period != ""))}


def free_places(session: Session, rules: BookingRules, today: date) -> dict[tuple[date, str], int]:
    """Places left per open half-day, in date order; full and closed ones are left out."""
    rules = rules_in_force(session, rules)
    days = rules.open_days(today)
    counts = dict(((d, p), n) for d, p, n in session.execute(
        select(Booking.day, Booking.period, func.count()).where(
            Booking.day.in_(days), Booking.status == BookingStatus.BOOKED).group_by(Booking.day, Booking.period)))
    closed = closed_half_days(session)
    places = {(d, p.id): rules.per_half_day - counts.get((d, p.id), 0) for d in days for p in rules.periods
              if (d, p.id) not in closed}
    return {key: left for key, left in places.items() if left > 0}


def active(session: Session, user_id: int, today: date) -> list[Booking]:
    """The resident's bookings still to come, soonest first; one the desk has seen them for is done."""
    return list(session.scalars(select(Booking).where(
        Booking.user_id == user_id, Booking.status == BookingStatus.BOOKED, Booking.day >= today,
        Booking.attendance.is_(None),
    ).order_by(Booking.day, Booking.period)))


def already_booked(session: Session, user_id: int, service_id: str, today: date,
                   participant: str | None = None) -> Booking | None:
    """Asked before the form goes on, so a resident is not walked through a booking that will be refused
    (one errand once per person: a resident may book the same errand for themself and for their mother)."""
    return next((b for b in active(session, user_id, today)
                 if b.service_id == service_id and b.participant == participant), None)


def own(session: Session, user_id: int, number: str) -> Booking:
    """A resident may change or cancel only a booking of their own that still stands."""
    booking = session.scalars(select(Booking).where(
        Booking.number == number, Booking.user_id == user_id, Booking.status == BookingStatus.BOOKED,
        Booking.attendance.is_(None))).first()
    if booking is None:
        raise NotFound(number)
    return booking


def book(session: Session, *, user: User, item: ServiceItem, rules: BookingRules, day: date, period: str,
         name: str, phone: str, now: datetime, tz: tzinfo, participant: str | None = None) -> tuple[Booking, bool]:
    """A numbered booking on a free seat and its reminder (False when it is too late for one).

    Raises AlreadyBooked for a second booking of the same errand, SlotTaken when the half-day is full.
    """
    local_today = now.astimezone(tz).date()
    if (booked := already_booked(session, user.id, item.id, local_today, participant)) is not None:
        raise AlreadyBooked(booked)
    booking = Booking(user_id=user.id, service_id=item.id, name=name, phone=phone, status=BookingStatus.BOOKED,
                      participant=participant, created_at=now)
    _place(session, booking, rules, day, period, now.astimezone(tz))
    reminded = _schedule_reminder(session, booking, user, item, rules, now, tz)
    log.info("booking %s %s %s for %s %s", booking.number, day, period, mask_name(name), mask_phone(phone))
    return booking, reminded


def move(session: Session, booking: Booking, *, item: ServiceItem | None, rules: BookingRules, day: date,
         period: str, now: datetime, tz: tzinfo) -> bool:
    """The booking takes a seat in another half-day; the reminder follows it. Raises SlotTaken."""
    outbox.cancel_reminders(session, keys.booking_reminder(booking.number))
    _place(session, booking, rules, day, period, now.astimezone(tz))
    user = session.get(User, booking.user_id) if booking.user_id else None
    return user is not None and _schedule_reminder(session, booking, user, item, rules, now, tz)


def release(session: Session, booking: Booking) -> None:
    """The seat is freed for others at once and the evening reminder is withdrawn."""
    booking.status, booking.seat = BookingStatus.CANCELLED, None
    outbox.cancel_reminders(session, keys.booking_reminder(booking.number))
    log.info("booking %s cancelled", booking.number)


def hours(rules: BookingRules, period: str) -> str:
    """08:30—11:30: residents come by the clock, not by 上午."""
    p = rules.period(period)
    return f"{p.start:%H:%M}—{p.end:%H:%M}"


def _place(session: Session, booking: Booking, rules: BookingRules, day: date, period: str,
           local_now: datetime) -> None:
    """The first free seat of the half-day, race-free; a new booking gets its number here."""

    rules = rules_in_force(session, rules)
    closed = not rules.is_open(day) or (day, period) in closed_half_days(session)

    def attempt() -> bool:
        taken = set(session.scalars(select(Booking.seat).where(
            Booking.day == day, Booking.period == period, Booking.status == BookingStatus.BOOKED)))
        seat = free_seat(taken, rules.per_half_day)
        if seat is None or closed:
            return False
        booking.day, booking.period, booking.seat = day, period, seat
        if booking.id is None:
            booking.number = next_number(session, Booking.number, "DB", local_now)
            session.add(booking)
        return True

    if not save_racing(session, attempt):
        raise SlotTaken(day_label(day, period))


def _schedule_reminder(session: Session, booking: Booking, user: User, item: ServiceItem | None,
                       rules: BookingRules, now: datetime, tz: tzinfo) -> bool:
    """At the reminder time the evening before; a booking made later than that gets none (False)."""
    fire_at = datetime.combine(booking.day - timedelta(days=1), rules.reminder_at, tzinfo=tz)
    if fire_at <= now or item is None:
        return False
    text = texts.BOOKING_REMINDER.format(
        slot=day_label(booking.day, booking.period), hours=hours(rules, booking.period), place=rules.place,
        item=item.name, number=booking.number, documents=item.documents_text,
        for_whom=texts.BOOKING_REMINDER_FOR.format(who=booking.participant) if booking.participant else "")
    reminder = outbox.schedule_reminder(session, key=keys.booking_reminder(booking.number), openid=user.openid,
                                        fire_at=fire_at, text=text)
    reminder.status = ReminderStatus.PENDING  # moving back to a slot cancelled earlier revives that reminder
    return True


# --- the desk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskEntry:
    """One booking as the window clerk sees it; the console and `community-bot bookings` show these fields."""

    id: int
    number: str
    day: date
    period: str
    slot: str
    seat: int | None
    item: str
    name: str
    phone: str  # masked
    state: str
    case_id: int | None
    case_number: str
    case_status: str

    @property
    def line(self) -> str:
        case = f"  办件{self.case_number} {self.case_status}" if self.case_number else ""
        return f"{self.number}  {self.slot}  {self.item}  {self.name} {self.phone}  {self.state}{case}"


WAITING = "待到"
CANCELLED = "已取消"
_MASKED = re.compile(r"^(1\d{2})\*+(\d{4})$")


def desk_day(session: Session, services: Services, day: date) -> list[DeskEntry]:
    """The day's bookings by half-day and seat, cancelled ones last in each half-day."""
    rows = session.scalars(select(Booking).where(Booking.day == day)).all()
    return _entries(session, services, rows)


def desk_find(session: Session, services: Services, query: str) -> list[DeskEntry]:
    """By booking number (whole or its tail), name, masked phone (138****5678) or the phone's last four digits."""
    query = re.sub(r"\s", "", query)
    if not query:
        return []
    masked = _MASKED.match(query)
    if masked:
        where = Booking.phone.like(f"{masked.group(1)}%{masked.group(2)}")
    elif query.isdigit() and len(query) == 4:
        where = Booking.phone.like(f"%{query}")
    else:
        where = or_(Booking.number == query.upper(), Booking.number.like(f"%{query.upper()}"),
                    Booking.name.contains(query))
    rows = session.scalars(select(Booking).where(where).order_by(Booking.day.desc()).limit(50)).all()
    return _entries(session, services, rows)


def desk_entry(session: Session, services: Services, number: str) -> DeskEntry:
    """One booking by its exact number; NotFound otherwise."""
    booking = session.scalars(select(Booking).where(Booking.number == number.strip().upper())).first()
    if booking is None:
        raise NotFound(number)
    return _entries(session, services, [booking])[0]


def mark_attendance(booking: Booking, attendance: Arrival, now: datetime) -> None:
    """到了 or 未到 at the window; a cancelled booking has nobody to expect."""
    if booking.status == BookingStatus.CANCELLED:
        raise NotAllowed(texts.CASE_BOOKING_CANCELLED)
    booking.attendance, booking.attendance_at = attendance, now


def _entries(session: Session, services: Services, rows: list[Booking]) -> list[DeskEntry]:
    cases = {c.booking_id: c for c in session.scalars(
        select(Case).where(Case.booking_id.in_([b.id for b in rows])))} if rows else {}
    ordered = sorted(rows, key=lambda b: (b.day, b.period, b.status == BookingStatus.CANCELLED, b.seat or 0, b.id))
    entries = []
    for b in ordered:
        item = services.item(b.service_id)
        case = cases.get(b.id)
        state = CANCELLED if b.status == BookingStatus.CANCELLED else (b.attendance or WAITING)
        entries.append(DeskEntry(
            id=b.id, number=b.number, day=b.day, period=b.period, slot=day_label(b.day, b.period), seat=b.seat,
            item=item.name if item else b.service_id, name=b.name or "（已删除）", phone=mask_phone(b.phone),
            state=state, case_id=case.id if case else None, case_number=case.number if case else "",
            case_status=case.status if case else ""))
    return entries


# --- what staff edit: places per half-day and local closures ----------------------------------


def set_capacity(session: Session, text: str, now: datetime) -> int:
    """Places per half-day from now on; bookings already made keep their seats. NotAllowed for a bad number."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MOST_PLACES:
        raise NotAllowed(texts.DESK_CAPACITY_INVALID.format(most=MOST_PLACES))
    row = session.get(KeyValue, keys.desk_capacity())
    if row is None:
        row = KeyValue(key=keys.desk_capacity(), value="")
        session.add(row)
    row.value, row.updated_at = text, now
    return int(text)


def add_closure(session: Session, *, day: date, period: str, reason: str, by: str, today: date,
                now: datetime) -> Closure:
    """The centre is closed that day (or half-day); refused while residents are booked then."""
    if day < today:
        raise NotAllowed(texts.DESK_CLOSURE_PAST)
    label = day_label(day, period or None)
    if session.get(Closure, (day, period)) is not None:
        raise NotAllowed(texts.DESK_CLOSURE_EXISTS.format(day=label))
    booked = select(func.count()).select_from(Booking).where(
        Booking.day == day, Booking.status == BookingStatus.BOOKED)
    if period:
        booked = booked.where(Booking.period == period)
    count = session.scalar(booked)
    if count:
        raise NotAllowed(texts.DESK_CLOSURE_BOOKED.format(day=label, count=count))
    closure = Closure(day=day, period=period, reason=reason.strip()[:64], by=by, at=now)
    session.add(closure)
    return closure


def closures(session: Session, today: date) -> list[Closure]:
    """Staff's closures from today on, soonest first."""
    return list(session.scalars(select(Closure).where(Closure.day >= today).order_by(Closure.day, Closure.period)))


def remove_closure(session: Session, day: date, period: str) -> Closure:
    """The centre opens again that day; NotFound when no such closure was set."""
    closure = session.get(Closure, (day, period))
    if closure is None:
        raise NotFound(day_label(day, period or None))
    session.delete(closure)
    return closure
