"""The nightly purge: each kind of personal data goes when its period is over, and the audit log says how much."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from bot.models import (
    Attachment,
    AuditEntry,
    Booking,
    DailyActivity,
    Enrollment,
    HandoffRequest,
    MessageLog,
    Outbox,
    Ticket,
    TicketEvent,
    User,
)
from bot.outbound.scheduler import Worker

JUNE = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def june(make_app, backend):
    """On 1 June a resident talks, books for that day, sends a photo, finishes a report and joins a term of
    taiji that started on 2 March (12 weeks); a staff member signs in."""
    app = make_app(backend)
    with app.extensions["community"].db.transaction() as session:
        user = User(openid="o-wang", name="王秀英", phone="13812345678", created_at=JUNE)
        session.add(user)
        session.flush()
        session.add_all([
            MessageLog(user_id=user.id, at=JUNE, direction="in", text="我叫王秀英"),
            HandoffRequest(user_id=user.id, text="我叫王秀英", status="closed", created_at=JUNE),
            Booking(number="DB20260601-001", user_id=user.id, service_id="dibao", day=JUNE.date(), period="am",
                    name="王秀英", phone="13812345678", status="booked", created_at=JUNE),
            Enrollment(user_id=user.id, class_id="taiji", term="2026-03-02", seat=1, name="王秀英",
                       phone="13812345678", age=70, status="enrolled", created_at=JUNE),
            Attachment(user_id=user.id, kind="image", media_id="m-1", url="http://img/1", created_at=JUNE),
            Ticket(number="WG20260601-001", user_id=user.id, category="路灯/亮化", grid="第1网格", assignee="网格员",
                   location="老街", latitude=32.6, longitude=105.8, media_id="m-1", status="已办结", created_at=JUNE,
                   events=[TicketEvent(status="已办结", by="网格员", at=JUNE)]),
            AuditEntry(at=JUNE, who="陈主任", action="signin"),
            Outbox(key="ticket:WG20260601-001:已办结", openid="o-wang", text="王秀英，您反映的问题已办结",
                   status="sent", created_at=JUNE),
        ])
    return app


def purge_on(app, day: datetime) -> str:
    """Runs the nightly job at `day` with the clock stopped; what it wrote to the audit log."""
    with time_machine.travel(day, tick=False):
        Worker(app).retention()
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "retention")
                               .order_by(AuditEntry.id.desc())).first()


def one(app, model):
    with app.extensions["community"].db.transaction() as session:
        return session.scalars(select(model)).one_or_none()


def test_each_kind_of_personal_data_goes_when_its_period_ends(june):
    assert purge_on(june, JUNE + timedelta(days=29)) == "没有到期的"
    assert one(june, MessageLog) is not None

    assert purge_on(june, JUNE + timedelta(days=31)) == "对话记录1条；人工记录里的话1条；已发消息的内容1条"
    assert one(june, MessageLog) is None and one(june, HandoffRequest).text == ""
    assert (one(june, DailyActivity).day, one(june, DailyActivity).messages) == (JUNE.date(), 1)  # still counted
    assert (one(june, Outbox).text, one(june, Outbox).status) == ("", "sent")
    assert one(june, Booking).phone == "13812345678"  # past bookings' contacts are kept 90 days

    assert purge_on(june, datetime(2026, 8, 22, 3, 0, tzinfo=JUNE.tzinfo)) == "没有到期的"
    assert purge_on(june, datetime(2026, 8, 24, 3, 0, tzinfo=JUNE.tzinfo)) == "往期报名的联系方式1条"
    enrollment = one(june, Enrollment)  # the term ended on 25 May: its contacts are kept 90 days from then
    assert (enrollment.name, enrollment.phone, enrollment.age, enrollment.status) == (None, None, None, "enrolled")
    assert one(june, Booking).phone == "13812345678"

    assert purge_on(june, JUNE + timedelta(days=91)) == "过期预约的联系方式1条"
    booking = one(june, Booking)
    assert (booking.name, booking.phone, booking.number) == (None, None, "DB20260601-001")

    assert one(june, Attachment) is not None
    assert purge_on(june, JUNE + timedelta(days=181)) == "照片和位置1条；上报的照片和位置1条"
    ticket = one(june, Ticket)
    assert one(june, Attachment) is None and (ticket.media_id, ticket.latitude) == (None, None)
    assert ticket.user_id is not None and ticket.location == "老街"

    assert purge_on(june, JUNE + timedelta(days=366)) == "办结上报的居民关联1条；操作记录1条"
    assert one(june, Ticket).user_id is None and one(june, Ticket).category == "路灯/亮化"
    with june.extensions["community"].db.transaction() as session:
        assert "signin" not in session.scalars(select(AuditEntry.action)).all()  # the June sign-in, a year on


def test_periods_are_settings(make_app):
    app = make_app(MESSAGE_LOG_DAYS=7, PAST_CONTACT_DAYS=10, AUDIT_LOG_DAYS=200)
    with app.extensions["community"].db.transaction() as session:
        user = User(openid="o-li", created_at=JUNE)
        session.add(user)
        session.flush()
        session.add_all([MessageLog(user_id=user.id, at=JUNE, direction="in", text="你好"),
                         Booking(number="DB20260601-002", service_id="dibao", day=date(2026, 6, 1), period="am",
                                 name="李", phone="13900000000", status="booked", created_at=JUNE)])
    assert purge_on(app, JUNE + timedelta(days=11)) == "对话记录1条；过期预约的联系方式1条"


def test_the_audit_log_cannot_be_set_shorter_than_six_months(make_app):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="AUDIT_LOG_DAYS must be at least 183"):
        make_app(AUDIT_LOG_DAYS=90)
