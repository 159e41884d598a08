"""November 2026 as the records would hold it, with a row on each side of the month's edges.

The expected numbers are written next to the rows that make them, so a reader can check them by hand.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.models import (
    Announcement,
    Booking,
    Enrollment,
    HandoffRequest,
    MessageLog,
    Outbox,
    Reminder,
    Ticket,
    TicketEvent,
    User,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A local time in November 2026 (or another month), as the database stores it: aware."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def build_month(session) -> dict[str, User]:
    wang, li, zhao = (User(openid=f"o-{n}", subscribed=True, created_at=at(1, 8)) for n in ("wang", "li", "zhao"))
    session.add_all([wang, li, zhao])
    session.flush()

    # Conversations: 4 messages, 3 人次 (wang on the 3rd and the 10th, li on the 3rd), 2 residents;
    # answered 2, clarified 1, unknown 1. One message the evening before and one the night after the month.
    def exchange(user: User, when: datetime, source: str) -> None:
        session.add_all([MessageLog(user_id=user.id, at=when, direction="in", text="问", source=""),
                         MessageLog(user_id=user.id, at=when, direction="out", text="答", source=source)])

    exchange(wang, at(3, 9), "faq:office_hours")
    exchange(wang, at(3, 9, 5), "clarify")
    exchange(wang, at(10, 20), "unknown")
    exchange(li, at(3, 23, 59), "eligibility:elderly")
    exchange(li, at(31, 23, 0, month=10), "faq:office_hours")
    exchange(zhao, at(1, 0, 30, month=12), "faq:office_hours")

    # 人工: 2 cases, one answered after 12 minutes, one never (and escalated); one in October.
    session.add_all([
        HandoffRequest(user_id=wang.id, text="", status="closed", created_at=at(5, 10), answered_at=at(5, 10, 12),
                       closed_at=at(5, 11), closed_by="小李"),
        HandoffRequest(user_id=li.id, text="", status="closed", created_at=at(6, 15), escalated_at=at(6, 15, 20),
                       closed_at=at(6, 16)),
        HandoffRequest(user_id=li.id, text="", status="closed", created_at=at(30, 10, month=10)),
    ])

    # 代办: 2 booked (居住证, 低保申请), 1 cancelled; one booked in December.
    session.add_all([
        Booking(number="DB20261105-001", user_id=wang.id, service_id="residence_permit", day=date(2026, 11, 12),
                period="am", seat=1, name="王秀英", phone="13812345678", status="booked", created_at=at(5, 9)),
        Booking(number="DB20261105-002", user_id=li.id, service_id="dibao", day=date(2026, 11, 13), period="pm",
                seat=1, name="李国强", phone="13987654321", status="booked", created_at=at(5, 9)),
        Booking(number="DB20261105-003", user_id=li.id, service_id="dibao", day=date(2026, 11, 14), period="am",
                status="cancelled", created_at=at(5, 9)),
        Booking(number="DB20261128-001", user_id=zhao.id, service_id="dibao", day=date(2026, 12, 2), period="am",
                seat=1, status="booked", created_at=at(28, 9)),
    ])

    # Reports: 3 in November (2 in 第1网格, 1 in 第3网格). The first answered after 6 hours and finished after
    # 24 (满意); the second answered after 48 hours (late); the third untouched. On time 1 of 3.
    def report(number: str, grid: str, created: datetime, *events: tuple[str, str, datetime],
               satisfaction: str | None = None) -> None:
        status = events[-1][0] if events else "已受理"
        ticket = Ticket(number=number, user_id=wang.id, category="路灯/亮化", grid=grid, assignee="网格员",
                        location="老街", description="路灯不亮", status=status, satisfaction=satisfaction,
                        created_at=created)
        ticket.events.append(TicketEvent(status="已受理", by="小助手", at=created))
        ticket.events.extend(TicketEvent(status=s, by=by, at=when) for s, by, when in events)
        session.add(ticket)

    report("WG20261102-001", "第1网格", at(2, 9), ("处理中", "第1网格网格员", at(2, 15)),
           ("已办结", "第1网格网格员", at(3, 9)), satisfaction="满意")
    report("WG20261120-001", "第3网格", at(20, 9), ("处理中", "第3网格网格员", at(22, 9)))
    report("WG20261125-001", "第1网格", at(25, 9))
    report("WG20261015-001", "第2网格", at(15, 9, month=10))

    # Classes: 2 sign-ups in November (one seat, one waiting), one in October.
    session.add_all([
        Enrollment(user_id=wang.id, class_id="taiji", term="2026-11-02", seat=1, status="enrolled",
                   created_at=at(1, 10)),
        Enrollment(user_id=li.id, class_id="yangge", term="2026-11-02", status="waiting", created_at=at(2, 10)),
        Enrollment(user_id=zhao.id, class_id="taiji", term="2026-09-01", seat=2, status="enrolled",
                   created_at=at(20, 10, month=10)),
    ])

    # Sent: reminders 2 (1 reached), 1 missed; an announcement to 3 (2 reached); a report's progress (reached).
    notice = Announcement(author="陈主任", text="停水通知", audience="all", status="done", created_at=at(8, 9))
    session.add(notice)
    session.flush()
    session.add_all([
        Outbox(key="reminder:1", openid="o-wang", text="提醒", status="sent", created_at=at(11, 18)),
        Outbox(key="reminder:2", openid="o-li", text="提醒", status="failed", reason="45015", created_at=at(12, 18)),
        *(Outbox(key=f"announcement:{notice.id}:o-{n}", openid=f"o-{n}", text="停水通知", announcement_id=notice.id,
                 status=status, created_at=at(8, 9)) for n, status in (("wang", "sent"), ("li", "sent"),
                                                                      ("zhao", "skipped"))),
        Outbox(key="ticket:WG20261102-001:处理中", openid="o-wang", text="进度", status="sent", created_at=at(2, 15)),
        Outbox(key="reminder:3", openid="o-wang", text="提醒", status="sent", created_at=at(2, 18, month=12)),
        Reminder(key="event:council:2026-11-08", openid="o-li", fire_at=at(7, 18), text="开会", status="missed"),
    ])
    return {"wang": wang, "li": li, "zhao": zhao}
