"""人工: a case per request for a person, the conversation around it, staff replies through the outbox,
and the clocks that close quiet cases and escalate unanswered ones."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.models import HandoffRequest, HandoffStatus, MessageLog, StaffAccount, User
from bot.services import accounts, audit, keys
from bot.services.accounts import Role
from bot.services.errors import NotAllowed
from bot.services.outbox import enqueue

REACHABLE = timedelta(hours=48)  # WeChat's customer-service window after the resident's last message
CONTEXT_BEFORE = 6  # what the resident said just before 人工 shows staff what it is about
MAX_REPLY = 600


class Unreachable(NotAllowed):
    """The resident has been silent for 48 hours: WeChat no longer carries a customer-service message."""


def open_case(session: Session, user: User, now: datetime) -> tuple[HandoffRequest, bool]:
    """The resident's open case, or a new one carrying the last things they said; True when new."""
    case = open_case_of(session, user.id)
    if case is not None:
        return case, False
    before = session.scalars(select(MessageLog.text).where(MessageLog.user_id == user.id,
                                                           MessageLog.direction == "in")
                             .order_by(MessageLog.id.desc()).limit(CONTEXT_BEFORE)).all()
    case = HandoffRequest(user_id=user.id, text="\n".join(reversed(before)), status=HandoffStatus.OPEN,
                          created_at=now, last_activity_at=now)
    session.add(case)
    session.flush()
    return case, True


def open_case_of(session: Session, user_id: int) -> HandoffRequest | None:
    return session.scalars(select(HandoffRequest).where(HandoffRequest.user_id == user_id,
                                                        HandoffRequest.status == HandoffStatus.OPEN)).first()


def is_quiet(case: HandoffRequest, now: datetime, quiet: timedelta) -> bool:
    return (case.last_activity_at or case.created_at) < now - quiet


def log(session: Session, user_id: int, direction: str, text: str, now: datetime, *, source: str = "",
        case: HandoffRequest | None = None, staff_name: str | None = None) -> MessageLog:
    """One line of the conversation staff see (in: the resident, out: the assistant, staff: a person)."""
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
        raise NotAllowed(texts.INBOX_REPLY_EMPTY)
    if len(text) > MAX_REPLY:
        raise NotAllowed(texts.INBOX_REPLY_TOO_LONG.format(length=len(text), limit=MAX_REPLY))
    user = session.get(User, case.user_id)
    if user.last_message_at is None or now - user.last_message_at > REACHABLE:
        raise Unreachable(texts.INBOX_UNREACHABLE)
    if case.status != HandoffStatus.OPEN:
        case.status, case.closed_at, case.closed_by = HandoffStatus.OPEN, None, None  # a reply reopens it
    entry = log(session, user.id, "staff", text, now, case=case, staff_name=staff.name)
    session.flush()
    case.answered_at = case.answered_at or now
    enqueue(session, openid=user.openid, text=text, key=keys.handoff_reply(case.id, entry.id))
    audit.record(session, who=staff, action="inbox.reply", now=now, target=f"case:{case.id}")


def close(session: Session, case: HandoffRequest, now: datetime, by: str) -> None:
    case.status, case.closed_at, case.closed_by = HandoffStatus.CLOSED, now, by


def close_quiet(session: Session, now: datetime, quiet: timedelta) -> int:
    """Cases silent for `quiet` end by themselves, and the resident is told the assistant is back."""
    open_cases = session.scalars(select(HandoffRequest).where(HandoffRequest.status == HandoffStatus.OPEN)).all()
    stale = [case for case in open_cases if is_quiet(case, now, quiet)]
    for case in stale:
        close(session, case, now, texts.INBOX_CLOSED_BY_CLOCK)
        user = session.get(User, case.user_id)
        if user.subscribed:
            enqueue(session, openid=user.openid, text=texts.HANDOFF_ENDED_QUIET, key=keys.handoff_ended(case.id))
    return len(stale)


def notify_staff(session: Session, case: HandoffRequest, link: str) -> int:
    """Every office account with a bound WeChat hears of a new case, with a link to it (`link` has {id})."""
    user = session.get(User, case.user_id)
    text = texts.INBOX_NEW_CASE.format(name=resident_label(user), text=(case.text or "…")[-60:],
                                       link=link.format(id=case.id))
    staff = accounts.bound(session, (Role.ADMIN, Role.STAFF))
    for member in staff:
        enqueue(session, openid=member.openid, text=text, key=keys.handoff_new(case.id, member.id))
    return len(staff)


def escalate(session: Session, now: datetime, after: timedelta, link: str) -> int:
    """Cases nobody answered within `after` go to the admins, once (`link` has {id}). The caller decides
    whether it is office hours."""
    late = session.scalars(select(HandoffRequest).where(
        HandoffRequest.status == HandoffStatus.OPEN, HandoffRequest.answered_at.is_(None),
        HandoffRequest.escalated_at.is_(None), HandoffRequest.created_at < now - after)).all()
    admins = accounts.bound(session, (Role.ADMIN,))
    for case in late:
        case.escalated_at = now
        minutes = int((now - case.created_at).total_seconds() // 60)
        text = texts.INBOX_ESCALATED.format(name=resident_label(session.get(User, case.user_id)),
                                            minutes=minutes, link=link.format(id=case.id))
        for admin in admins:
            enqueue(session, openid=admin.openid, text=text, key=keys.handoff_late(case.id, admin.id))
    return len(late)


def resident_label(user: User) -> str:
    """What staff see of a resident before they choose to see more: a masked name, or 居民 and a number."""
    return f"{user.name[0]}**" if user.name else f"居民{user.id}"

