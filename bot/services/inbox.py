"""The 人工 inbox: a case per request for a person, the conversation around it, staff replies, and
the clocks that close quiet cases and escalate unanswered ones."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import HandoffRequest, MessageLog, StaffAccount, User
from bot.services import audit
from bot.services.accounts import Role
from bot.services.outbox import enqueue

OPEN = "open"
CLOSED = "closed"
REACHABLE = timedelta(hours=48)  # WeChat's customer-service window after the resident's last message
CONTEXT_BEFORE = 6  # messages before 人工 that show staff what it is about
MAX_REPLY = 600


class Unreachable(ValueError):
    """The resident has been silent for 48 hours: WeChat no longer carries a customer-service message."""


@dataclass(frozen=True)
class Notice:
    """Text for the residents and staff the clocks tell; the caller supplies it from the texts data."""

    ended_quiet: str
    new_case: str  # {name} {text} {link}
    escalated: str  # {name} {minutes} {link}


def open_case(session: Session, user: User, now: datetime) -> tuple[HandoffRequest, bool]:
    """The resident's open case, or a new one carrying the last things they said; True when new."""
    case = open_case_of(session, user.id)
    if case is not None:
        return case, False
    before = session.scalars(select(MessageLog).where(MessageLog.user_id == user.id, MessageLog.direction == "in")
                             .order_by(MessageLog.id.desc()).limit(CONTEXT_BEFORE)).all()
    wanted = "\n".join(m.text for m in reversed(before) if m.text)
    case = HandoffRequest(user_id=user.id, text=wanted, status=OPEN, created_at=now, last_activity_at=now)
    session.add(case)
    session.flush()
    return case, True


def open_case_of(session: Session, user_id: int) -> HandoffRequest | None:
    return session.scalars(select(HandoffRequest).where(HandoffRequest.user_id == user_id,
                                                        HandoffRequest.status == OPEN)).first()


def log(session: Session, user_id: int, direction: str, text: str, now: datetime, *, source: str = "",
        case: HandoffRequest | None = None, staff_name: str | None = None) -> MessageLog:
    entry = MessageLog(user_id=user_id, at=now, direction=direction, text=text, source=source[:64],
                       case_id=case.id if case else None, staff_name=staff_name)
    session.add(entry)
    if case is not None:
        case.last_activity_at = now
    return entry


def reply(session: Session, case: HandoffRequest, staff: StaffAccount, text: str, now: datetime) -> None:
    """Queued as a customer-service message; refused when the resident is outside WeChat's 48 hours."""
    text = text.strip()
    if not text:
        raise ValueError("回复不能是空的。")
    if len(text) > MAX_REPLY:
        raise ValueError(f"回复太长了（{len(text)}字），请控制在{MAX_REPLY}字以内。")
    user = session.get(User, case.user_id)
    if user.last_message_at is None or now - user.last_message_at > REACHABLE:
        raise Unreachable("居民超过48小时没有发消息，微信里联系不上，请打电话。")
    if case.status != OPEN:
        case.status, case.closed_at = OPEN, None  # a reply reopens a case the clock closed
    entry = log(session, user.id, "staff", text, now, case=case, staff_name=staff.name)
    session.flush()
    case.answered_at = case.answered_at or now
    enqueue(session, openid=user.openid, text=text, key=f"handoff:{case.id}:{entry.id}")
    audit.record(session, who=staff, action="inbox.reply", now=now, target=f"case:{case.id}")


def close(session: Session, case: HandoffRequest, now: datetime, by: str) -> None:
    case.status, case.closed_at, case.closed_by = CLOSED, now, by


def close_quiet(session: Session, now: datetime, quiet: timedelta, notice: Notice) -> int:
    """Cases silent for `quiet` end by themselves, and the resident is told the assistant is back."""
    stale = session.scalars(select(HandoffRequest).where(HandoffRequest.status == OPEN,
                                                         HandoffRequest.last_activity_at < now - quiet)).all()
    for case in stale:
        close(session, case, now, "自动结束")
        user = session.get(User, case.user_id)
        if user.subscribed:
            enqueue(session, openid=user.openid, text=notice.ended_quiet, key=f"handoff:{case.id}:ended")
    return len(stale)


def notify_staff(session: Session, case: HandoffRequest, now: datetime, notice: Notice, link: str) -> int:
    """Every office account with a bound WeChat hears of a new case, with a link to it (`link` has {id})."""
    user = session.get(User, case.user_id)
    text = notice.new_case.format(name=resident_label(user), text=(case.text or "（还没说）")[-60:],
                                  link=link.format(id=case.id))
    staff = _bound(session, (Role.ADMIN, Role.STAFF))
    for member in staff:
        enqueue(session, openid=member.openid, text=text, key=f"handoff:{case.id}:new:{member.id}")
    return len(staff)


def escalate(session: Session, now: datetime, after: timedelta, notice: Notice, link: str) -> int:
    """Cases nobody answered within `after` go to the admins once (`link` has {id}). The caller checks
    office hours."""
    late = session.scalars(select(HandoffRequest).where(
        HandoffRequest.status == OPEN, HandoffRequest.answered_at.is_(None), HandoffRequest.escalated_at.is_(None),
        HandoffRequest.created_at < now - after)).all()
    admins = _bound(session, (Role.ADMIN,))
    for case in late:
        case.escalated_at = now
        user = session.get(User, case.user_id)
        minutes = int((now - case.created_at).total_seconds() // 60)
        text = notice.escalated.format(name=resident_label(user), minutes=minutes, link=link.format(id=case.id))
        for admin in admins:
            enqueue(session, openid=admin.openid, text=text, key=f"handoff:{case.id}:late:{admin.id}")
    return len(late)


def resident_label(user: User) -> str:
    """What staff see of a resident before they choose to see more: a masked name, or 居民 and a number."""
    return f"{user.name[0]}**" if user.name else f"居民{user.id}"


def _bound(session: Session, roles: tuple[Role, ...]) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).where(
        StaffAccount.role.in_(roles), StaffAccount.active.is_(True), StaffAccount.openid.is_not(None))))
