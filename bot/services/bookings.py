"""代办 bookings: half-day places with seat numbers, one booking per errand, the evening-before reminder."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.services import BookingRules, ServiceItem
from bot.knowledge.chinese import day_label, mask_name, mask_phone
from bot.models import Booking, BookingStatus, ReminderStatus, User
from bot.services import keys, outbox
from bot.services.errors import NotAllowed, NotFound, SlotTaken
from bot.services.records import free_seat, next_number, save_racing

log = logging.getLogger(__name__)


class AlreadyBooked(NotAllowed):
    """The same errand twice is a slip, not a wish: the first visit settles it."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.number)
        self.booking = booking


def free_places(session: Session, rules: BookingRules, today: date) -> dict[tuple[date, str], int]:
    """Places left per open half-day, in date order; full ones are left out."""
    days = rules.open_days(today)
    counts = dict(((d, p), n) for d, p, n in session.execute(
        select(Booking.day, Booking.period, func.count()).where(
            Booking.day.in_(days), Booking.status == BookingStatus.BOOKED).group_by(Booking.day, Booking.period)))
    places = {(d, p.id): rules.per_half_day - counts.get((d, p.id), 0) for d in days for p in rules.periods}
    return {key: left for key, left in places.items() if left > 0}


def active(session: Session, user_id: int, today: date) -> list[Booking]:
    """The resident's bookings still to come, soonest first."""
    return list(session.scalars(select(Booking).where(
        Booking.user_id == user_id, Booking.status == BookingStatus.BOOKED, Booking.day >= today,
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
        Booking.number == number, Booking.user_id == user_id, Booking.status == BookingStatus.BOOKED)).first()
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

    def attempt() -> bool:
        taken = set(session.scalars(select(Booking.seat).where(
            Booking.day == day, Booking.period == period, Booking.status == BookingStatus.BOOKED)))
        seat = free_seat(taken, rules.per_half_day)
        if seat is None:
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
        item=item.name, number=booking.number, documents=item.documents_text)
    reminder = outbox.schedule_reminder(session, key=keys.booking_reminder(booking.number), openid=user.openid,
                                        fire_at=fire_at, text=text)
    reminder.status = ReminderStatus.PENDING  # moving back to a slot cancelled earlier revives that reminder
    return True
