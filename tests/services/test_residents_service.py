"""删除我的信息, called directly: future visits and sign-ups cancelled, seats passed on, nothing points back."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date

from sqlalchemy import select

from bot.models import BookingStatus, EnrollmentStatus, MessageLog, Outbox, Reminder, ReminderStatus, TicketStatus
from bot.services import bookings, enrollments, handoffs, residents, tickets
from tests.services.conftest import NOW, resident_row


def test_deletion_cancels_future_bookings_and_sign_ups_and_anonymises(session, data):
    klass = data.services.klass("yangge").model_copy(update={"capacity": 1})
    services = replace(data.services, classes=(klass,))
    user = resident_row(session, "o-1")
    residents.remember_contact(user, "张三", "13812345678", NOW)
    booking, _ = bookings.book(session, user=user, item=data.services.item("residence_permit"),
                               rules=data.services.booking, day=date(2026, 11, 30), period="am", name="张三",
                               phone="13812345678", now=NOW.astimezone(UTC), tz=NOW.tzinfo)
    seat = enrollments.sign_up(session, user=user, klass=klass, name="张三", phone="13812345678", age=70, now=NOW)
    waiting = enrollments.sign_up(session, user=resident_row(session, "o-2"), klass=klass, name="李四",
                                  phone="13900001111", age=None, now=NOW)
    ticket = tickets.open_ticket(session, user=user, category="路灯/亮化", grid="第1网格", assignee="网格员",
                                 place=tickets.Place("老街口"), description="灯不亮", media_id=None, pic_url=None,
                                 now=NOW, tz=NOW.tzinfo)
    handoffs.log(session, user.id, "in", "我的电话是13812345678", NOW)
    request, _ = handoffs.open_case(session, user, NOW)
    handoffs.log(session, user.id, "in", "我叫张三", NOW, case=request)
    assert residents.has_personal_data(session, user)

    residents.forget(session, user, services)

    assert (user.name, user.phone, user.consent_at) == (None, None, None)
    assert (booking.status, booking.seat, booking.name, booking.phone, booking.user_id) == (
        BookingStatus.CANCELLED, None, None, None, None)
    assert [r.status for r in session.scalars(select(Reminder))] == [ReminderStatus.CANCELLED]
    assert (seat.status, seat.name, seat.age, seat.user_id) == (EnrollmentStatus.CANCELLED, None, None, None)
    assert waiting.status == EnrollmentStatus.ENROLLED  # the freed place went to the waiting list
    assert [row.openid for row in session.scalars(select(Outbox))] == ["o-2"]
    assert (ticket.user_id, ticket.status) == (None, TicketStatus.RECEIVED)  # the work goes on, unnamed
    assert request.text == ""
    assert session.scalars(select(MessageLog)).all() == []  # nothing they typed is kept
    assert not residents.has_personal_data(session, user)


def test_contact_given_once_is_offered_again_only_when_both_are_kept(session):
    user = resident_row(session, "o-1")
    assert residents.saved_contact(user) is None
    residents.remember_contact(user, "张三", "13812345678", NOW)
    first_consent = user.consent_at
    residents.remember_contact(user, "张三", "13800000000", NOW.replace(hour=11))
    assert residents.saved_contact(user) == ("张三", "13800000000") and user.consent_at == first_consent
