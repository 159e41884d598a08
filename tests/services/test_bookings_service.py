"""The booking rules, called directly: the last seat, one booking per errand, release, moving, whose it is."""
from __future__ import annotations

from datetime import UTC, date

import pytest
from sqlalchemy import select

from bot.models import Booking, BookingStatus, Reminder, ReminderStatus, User
from bot.services import bookings, keys
from bot.services.errors import NotFound, SlotTaken
from tests.services.conftest import NOW, resident_row

MONDAY = date(2026, 11, 30)


@pytest.fixture
def rules(data):
    return data.services.booking.model_copy(update={"per_half_day": 2})


def _book(session, data, rules, openid, item="residence_permit", day=MONDAY, period="am"):
    user = resident_row(session, openid)
    return bookings.book(session, user=user, item=data.services.item(item), rules=rules, day=day, period=period,
                         name="张三", phone="13812345678", now=NOW.astimezone(UTC), tz=NOW.tzinfo)


def test_the_last_seat_goes_to_one_resident_and_the_next_is_refused(session, data, rules):
    first, reminded = _book(session, data, rules, "o-1")
    second, _ = _book(session, data, rules, "o-2")
    assert reminded and (first.number, first.seat) == ("DB20261127-001", 1) and second.seat == 2
    assert (MONDAY, "am") not in bookings.free_places(session, rules, NOW.date())
    assert bookings.free_places(session, rules, NOW.date())[(MONDAY, "pm")] == 2
    with pytest.raises(SlotTaken):
        _book(session, data, rules, "o-3")
    assert len(session.scalars(select(Booking)).all()) == 2


def test_a_second_booking_of_the_same_errand_is_refused(session, data, rules):
    booking, _ = _book(session, data, rules, "o-1")
    with pytest.raises(bookings.AlreadyBooked) as refused:
        bookings.book(session, user=session.get(User, booking.user_id), item=data.services.item("residence_permit"),
                      rules=rules, day=MONDAY, period="pm", name="张三", phone="13812345678",
                      now=NOW.astimezone(UTC), tz=NOW.tzinfo)
    assert refused.value.booking is booking


def test_release_frees_the_seat_and_withdraws_the_reminder(session, data, rules):
    first, _ = _book(session, data, rules, "o-1")
    _book(session, data, rules, "o-2")
    bookings.release(session, first)
    assert (first.status, first.seat) == (BookingStatus.CANCELLED, None)
    [reminder] = session.scalars(select(Reminder).where(Reminder.key == keys.booking_reminder(first.number))).all()
    assert reminder.status == ReminderStatus.CANCELLED
    third, _ = _book(session, data, rules, "o-3")
    assert third.seat == 1


def test_moving_takes_a_seat_in_the_new_half_day_and_the_reminder_follows(session, data, rules):
    booking, _ = _book(session, data, rules, "o-1")
    tuesday = date(2026, 12, 1)
    assert bookings.move(session, booking, item=data.services.item("residence_permit"), rules=rules, day=tuesday,
                         period="pm", now=NOW.astimezone(UTC), tz=NOW.tzinfo)
    assert (booking.day, booking.period, booking.seat) == (tuesday, "pm", 1)
    states = {r.fire_at.astimezone(NOW.tzinfo).date(): r.status for r in session.scalars(select(Reminder))}
    assert states == {date(2026, 11, 29): ReminderStatus.CANCELLED, MONDAY: ReminderStatus.PENDING}


def test_only_the_resident_who_booked_may_change_it(session, data, rules):
    booking, _ = _book(session, data, rules, "o-1")
    other = resident_row(session, "o-2")
    with pytest.raises(NotFound):
        bookings.own(session, other.id, booking.number)
    assert bookings.own(session, booking.user_id, booking.number) is booking

