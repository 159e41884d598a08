"""Staff announcements: one validation for WeChat and the CLI, the fan-out into the outbox, the quota, reports."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.content import texts
from bot.content.calendar import Calendar
from bot.models import (
    Announcement,
    AnnouncementStatus,
    Enrollment,
    EnrollmentStatus,
    Outbox,
    OutboxStatus,
    Subscription,
    User,
    UserTag,
    utcnow,
)
from bot.services import keys
from bot.services.errors import NotAllowed

MASS_PER_MONTH = 4  # a 服务号 reaches each follower at most 4 times a month by mass send
ALL = "all"
MIN_TEXT, MAX_TEXT = 4, 600
IN_FLIGHT = (OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENDING)
NOT_DELIVERED = (OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.UNKNOWN)
UNCERTAIN_SHOWN = 20  # names listed in a report; the rest are counted


class AudienceError(NotAllowed):
    """The audience named is not one staff can send to; the message lists what is."""


@dataclass(frozen=True)
class Audience:
    key: str  # all | tag:X | class:X | topic:X
    label: str


def audiences(calendar: Calendar) -> list[Audience]:
    """Every audience staff can choose, in the order they are offered."""
    found = [Audience(ALL, "所有关注的居民")]
    found += [Audience(f"tag:{tag}", f"标签：{tag}") for tag in calendar.tags]
    found += [Audience(f"class:{c.id}", f"{c.info.name}学员") for c in calendar.classes.values()]
    found += [Audience(f"topic:{t.id}", f"订阅“{t.name}”的居民") for t in calendar.topics]
    return found


def find_audience(calendar: Calendar, text: str) -> Audience:
    """`all`, `所有人`, `tag:老人家属`, `老人家属`, `class:taiji`, `topic:议事会`, or a label."""
    word = text.strip()
    if word in ("所有人", "全部", "所有居民"):
        word = ALL
    for audience in audiences(calendar):
        if word in (audience.key, audience.label, audience.key.split(":", 1)[-1]):
            return audience
    raise AudienceError(texts.ANNOUNCE_NO_SUCH_AUDIENCE.format(
        text=text, keys="、".join(a.key for a in audiences(calendar))))


def check_text(text: str) -> str:
    """A whole message that fits one WeChat text; the same limits in WeChat's form and the CLI."""
    if len(text) > MAX_TEXT:
        raise NotAllowed(texts.ANNOUNCE_TOO_LONG.format(length=len(text), limit=MAX_TEXT))
    if len(text) < MIN_TEXT:
        raise NotAllowed(texts.ANNOUNCE_TOO_SHORT)
    return text


def check_audience(session: Session, calendar: Calendar, audience: Audience) -> int:
    """How many residents it reaches; an audience nobody is in is refused."""
    count = len(recipients(session, calendar, audience.key))
    if count == 0:
        raise NotAllowed(texts.ANNOUNCE_AUDIENCE_EMPTY.format(label=audience.label))
    return count


def check_send_at(send_at: datetime | None, now: datetime) -> None:
    """A time for later must still be ahead (None means now)."""
    if send_at is not None and send_at <= now:
        raise NotAllowed(texts.ANNOUNCE_TIME_PASSED)


def recipients(session: Session, calendar: Calendar, key: str) -> list[str]:
    """Openids in the audience: `all` means followers; a named group keeps unfollowed members (shown skipped)."""
    kind, _, name = key.partition(":")
    if kind == ALL:
        query = select(User.openid).where(User.subscribed.is_(True))
    elif kind == "tag":
        query = select(User.openid).join(UserTag, UserTag.user_id == User.id).where(UserTag.tag == name)
    elif kind == "class":
        query = select(User.openid).join(Enrollment, Enrollment.user_id == User.id).where(
            Enrollment.class_id == name, Enrollment.term == calendar.classes[name].info.term,
            Enrollment.status == EnrollmentStatus.ENROLLED)
    else:
        query = select(User.openid).join(Subscription, Subscription.user_id == User.id).where(
            Subscription.topic == name)
    return sorted(set(session.scalars(query)))


def mass_used(session: Session, openids: list[str], now: datetime, settings: Settings) -> Counter[str]:
    """Mass sends each resident had this calendar month (local time), queued ones included."""
    local = now.astimezone(settings.tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    rows = session.execute(
        select(Outbox.openid, func.count()).where(
            Outbox.kind == "mass",
            Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT)),
            Outbox.due_at >= month_start,
        ).group_by(Outbox.openid)
    )
    wanted = set(openids)
    return Counter({openid: count for openid, count in rows if openid in wanted})


def announce(session: Session, calendar: Calendar, settings: Settings, *, author: str, text: str,
             audience: Audience, now: datetime, send_at: datetime | None = None) -> tuple[Announcement, int]:
    """The Announcement and one outbox row per recipient, in the caller's transaction.

    A tag with a WeChat tag id goes as one mass send when every member still has quota this month
    (it reaches followers outside the 48-hour window without a template); otherwise each resident gets
    a customer-service or template message, chosen by the sender. Raises NotAllowed (a past time, a text
    too short or long, an audience nobody is in) before anything is written.
    """
    check_send_at(send_at, now)
    check_text(text)
    check_audience(session, calendar, audience)
    row = Announcement(author=author, text=text, audience=audience.key, status=AnnouncementStatus.QUEUED,
                       send_at=send_at, created_at=now)
    session.add(row)
    session.flush()
    openids = recipients(session, calendar, audience.key)
    tag_id = calendar.tags.get(audience.key.removeprefix("tag:")) if audience.key.startswith("tag:") else None
    used = mass_used(session, openids, now, settings) if tag_id else Counter()
    mass = tag_id is not None and all(used[o] < MASS_PER_MONTH for o in openids)
    # Unfollowed members get ordinary rows, which the sender skips with the reason.
    by_mass = set(session.scalars(select(User.openid).where(User.openid.in_(openids), User.subscribed.is_(True)))) \
        if mass else set()
    body = texts.ANNOUNCEMENT.format(text=text)
    payload = {"tag_id": tag_id, "clientmsgid": keys.mass_send(row.id)}
    if openids:
        session.execute(insert(Outbox), [
            {"key": keys.announcement(row.id, openid), "openid": openid,
             "kind": "mass" if openid in by_mass else "text", "text": body,
             "payload": payload if openid in by_mass else {}, "announcement_id": row.id,
             "status": OutboxStatus.PENDING,
             "attempts": 0, "due_at": send_at or now, "created_at": now}
            for openid in openids
        ])
    return row, len(openids)


def report(session: Session, announcement_id: int, tz: tzinfo) -> str | None:
    """Counts per status, with the reasons for what did not go out."""
    row = session.get(Announcement, announcement_id)
    if row is None:
        return None
    if row.status != AnnouncementStatus.DONE and row.send_at is not None and row.send_at > utcnow():
        return texts.ANNOUNCEMENT_SCHEDULED.format(id=row.id, at=row.send_at.astimezone(tz).strftime("%m月%d日 %H:%M"))
    counts = Counter(dict(session.execute(
        select(Outbox.status, func.count()).where(Outbox.announcement_id == announcement_id).group_by(Outbox.status)
    ).all()))
    reasons = session.execute(
        select(Outbox.reason, func.count()).where(Outbox.announcement_id == announcement_id,
                                                  Outbox.status.in_(NOT_DELIVERED))
        .group_by(Outbox.reason).order_by(func.count().desc())
    ).all()
    channels = Counter(dict(session.execute(
        select(Outbox.channel, func.count()).where(Outbox.announcement_id == announcement_id,
                                                   Outbox.status == OutboxStatus.SENT).group_by(Outbox.channel)
    ).all()))
    waiting = counts[OutboxStatus.PENDING] + counts[OutboxStatus.SENDING]
    state = "已发完" if row.status == AnnouncementStatus.DONE else "发送中"
    excerpt = row.text if len(row.text) <= 20 else row.text[:20] + "…"
    lines = [f"第{row.id}号公告（{excerpt}）：{state}",
             f"共{sum(counts.values())}人：已发{counts[OutboxStatus.SENT]}，失败{counts[OutboxStatus.FAILED]}，"
             f"未发{counts[OutboxStatus.SKIPPED]}，待发{waiting}"]
    if counts[OutboxStatus.SHOWN]:
        lines.append(f"开发环境只显示不发送：{counts[OutboxStatus.SHOWN]}")
    if counts[OutboxStatus.UNKNOWN]:
        names = _uncertain_names(session, announcement_id)
        lines.append(f"不确定是否送达：{counts[OutboxStatus.UNKNOWN]}人（{names}），确认没收到可以对他们重发")
    if channels:
        names = {"custom": "客服消息", "template": "模板消息", "mass": "群发"}
        lines.append("发送方式：" + "，".join(f"{names.get(c, c)}{n}" for c, n in channels.items()))
    lines += [f"· {reason}：{n}人" for reason, n in reasons]
    return "\n".join(lines)


def _uncertain_names(session: Session, announcement_id: int) -> str:
    """Who staff should ask: the name a resident gave, else their openid."""
    rows = session.execute(
        select(Outbox.openid, User.name).outerjoin(User, User.openid == Outbox.openid)
        .where(Outbox.announcement_id == announcement_id, Outbox.status == OutboxStatus.UNKNOWN).order_by(Outbox.id)
    ).all()
    names = [name or openid for openid, name in rows[:UNCERTAIN_SHOWN]]
    return "、".join(names) + ("等" if len(rows) > UNCERTAIN_SHOWN else "")


def resend_uncertain(session: Session, announcement_id: int, now: datetime) -> int:
    """Staff decided: the residents a crash left uncertain get the announcement again (maybe a second copy)."""
    queued = session.execute(update(Outbox).where(
        Outbox.announcement_id == announcement_id, Outbox.status == OutboxStatus.UNKNOWN,
    ).values(status=OutboxStatus.PENDING, due_at=now, reason=texts.ANNOUNCE_RESENT_REASON))
    if queued.rowcount:
        session.execute(update(Announcement).where(Announcement.id == announcement_id)
                        .values(status=AnnouncementStatus.QUEUED))
    return queued.rowcount


def settle(session: Session) -> None:
    """An announcement with nothing left to send is marked done."""
    busy = select(Outbox.id).where(Outbox.announcement_id == Announcement.id,
                                   Outbox.status.in_(IN_FLIGHT)).exists()
    session.execute(update(Announcement).where(Announcement.status == AnnouncementStatus.QUEUED, ~busy)
                    .values(status=AnnouncementStatus.DONE))


def latest_by(session: Session, author: str) -> int | None:
    """公告情况 without a number means the staff member's own latest announcement."""
    return session.scalar(select(func.max(Announcement.id)).where(Announcement.author == author))
