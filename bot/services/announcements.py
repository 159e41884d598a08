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
from bot.services import enrollments, keys
from bot.services.errors import NotAllowed
from bot.services.handoffs import REACHABLE

MASS_PER_MONTH = 4  # a 服务号 reaches each follower at most 4 times a month by mass send
ALL = "all"
EVERYONE = ("所有人", "全部", "所有居民", "大家")
MIN_TEXT, MAX_TEXT = 4, 600
IN_FLIGHT = (OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENDING)
NOT_DELIVERED = (OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.UNKNOWN)
UNCERTAIN_SHOWN = 20  # names listed in a report; the rest are counted
CHANNEL_NAMES = {"custom": "客服消息", "template": "模板消息", "mass": "群发"}


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
    """`all`, `所有人`, `tag:老人家属`, `老人家属`, `class:taiji`, `太极班`, `topic:议事会`, `议事会`, or a label.

    Words naming a class (太极班, 秧歌) mean its enrolled members even when a tag has the same name:
    that is who staff mean; `tag:太极班` still names the tag.
    """
    word = text.strip()
    if word in EVERYONE:
        word = ALL
    choices = audiences(calendar)
    for audience in choices:
        if word in (audience.key, audience.label):
            return audience
    klass = next((c for c in calendar.classes.values()
                  if word and any(w in word for w in (c.id, c.info.name, *c.info.aliases))), None)
    if klass is not None:
        return next(a for a in choices if a.key == f"class:{klass.id}")
    for audience in choices:
        if word == audience.key.split(":", 1)[-1]:
            return audience
    topic = calendar.topic(word) if word else None
    if topic is not None:
        return next(a for a in choices if a.key == f"topic:{topic.id}")
    raise AudienceError(texts.ANNOUNCE_NO_SUCH_AUDIENCE.format(
        text=text, keys="、".join(a.key for a in choices)))


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
        term = enrollments.current(session, calendar.classes[name].info).term
        query = select(User.openid).join(Enrollment, Enrollment.user_id == User.id).where(
            Enrollment.class_id == name, Enrollment.term == term,
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


def _mass_quota(session: Session, calendar: Calendar, settings: Settings, audience: Audience, openids: list[str],
                now: datetime) -> tuple[int | None, Counter[str]]:
    """The WeChat tag id when the audience is a synced tag, and each member's mass sends this month."""
    tag_id = calendar.tags.get(audience.key.removeprefix("tag:")) if audience.key.startswith("tag:") else None
    return tag_id, (mass_used(session, openids, now, settings) if tag_id else Counter())


@dataclass(frozen=True)
class Reach:
    """Who an announcement would reach and how, shown before sending, the monthly mass-send quota included."""

    audience: Audience
    members: int  # everyone in the audience: the number queued
    following: int  # still following; the others are skipped with the reason
    mass_tag: bool  # a tag synced to WeChat: one mass send is possible
    quota_used: int  # the most mass sends any member had this month
    window: int  # following and wrote within 48 hours: a customer-service message
    outside: int  # following, quiet for longer: a template message, when one is configured
    template: bool

    @property
    def mass(self) -> bool:
        return self.mass_tag and self.quota_used < MASS_PER_MONTH

    def lines(self) -> list[str]:
        """What staff read before they confirm, in the console and in WeChat alike."""
        lines = [f"能收到：{self.following}人"
                 + (f"（另有{self.members - self.following}人已取消关注，收不到）" if self.members > self.following
                    else "")]
        if self.mass:
            left = MASS_PER_MONTH - self.quota_used - 1
            lines.append(f"按微信标签群发，占群发额度：每人每月最多{MASS_PER_MONTH}次，"
                         f"这些人本月最多已用{self.quota_used}次，发完还剩{left}次。")
            return lines
        if self.mass_tag:
            lines.append(f"群发额度已用完（有人本月已收到{MASS_PER_MONTH}次群发），改为一个一个发。")
        else:
            lines.append(f"不占群发额度（每人每月{MASS_PER_MONTH}次）：一个一个发。")
        lines.append(f"48小时内来过消息的{self.window}人收客服消息；"
                     + (f"其余{self.outside}人收模板消息。" if self.template
                        else f"其余{self.outside}人没有配置模板消息，收不到。"))
        return lines


def reach(session: Session, calendar: Calendar, settings: Settings, audience: Audience, now: datetime) -> Reach:
    """Counts only; writes nothing."""
    openids = recipients(session, calendar, audience.key)
    wanted = set(openids)
    following = [(openid, last) for openid, last in session.execute(
        select(User.openid, User.last_message_at).where(User.subscribed.is_(True))) if openid in wanted]
    window = sum(1 for _, last in following if last is not None and now - last <= REACHABLE)
    tag_id, used = _mass_quota(session, calendar, settings, audience, openids, now)
    return Reach(audience, members=len(openids), following=len(following), mass_tag=tag_id is not None,
                 quota_used=max(used.values(), default=0), window=window, outside=len(following) - window,
                 template=bool(settings.WECHAT_TEMPLATE_ID))


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
    tag_id, used = _mass_quota(session, calendar, settings, audience, openids, now)
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


@dataclass(frozen=True)
class Progress:
    """Where an announcement's sending stands: counts by status, how it went out, why some did not."""

    counts: Counter[str]
    channels: Counter[str]
    reasons: list[tuple[str, str, int]]  # (status, reason, residents) for everything not delivered

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return sum(self.counts[status] for status in IN_FLIGHT)

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else (self.total - self.waiting) * 100 // self.total


def progress(session: Session, announcement_id: int) -> Progress:
    of = Outbox.announcement_id == announcement_id
    counts = Counter(dict(session.execute(select(Outbox.status, func.count()).where(of).group_by(Outbox.status))
                          .all()))
    channels = Counter(dict(session.execute(
        select(Outbox.channel, func.count()).where(of, Outbox.status == OutboxStatus.SENT).group_by(Outbox.channel)
    ).all()))
    reasons = [(status, reason or "", n) for status, reason, n in session.execute(
        select(Outbox.status, Outbox.reason, func.count()).where(of, Outbox.status.in_(NOT_DELIVERED))
        .group_by(Outbox.status, Outbox.reason).order_by(func.count().desc())).all()]
    return Progress(counts, channels, reasons)


def report(session: Session, announcement_id: int, tz: tzinfo) -> str | None:
    """Counts per status, with the reasons for what did not go out."""
    row = session.get(Announcement, announcement_id)
    if row is None:
        return None
    if row.status != AnnouncementStatus.DONE and row.send_at is not None and row.send_at > utcnow():
        return texts.ANNOUNCEMENT_SCHEDULED.format(id=row.id, at=row.send_at.astimezone(tz).strftime("%m月%d日 %H:%M"))
    done = progress(session, announcement_id)
    counts = done.counts
    state = "已发完" if row.status == AnnouncementStatus.DONE else "发送中"
    excerpt = row.text if len(row.text) <= 20 else row.text[:20] + "…"
    lines = [f"第{row.id}号公告（{excerpt}）：{state}",
             f"共{done.total}人：已发{counts[OutboxStatus.SENT]}，失败{counts[OutboxStatus.FAILED]}，"
             f"未发{counts[OutboxStatus.SKIPPED]}，待发{counts[OutboxStatus.PENDING] + counts[OutboxStatus.SENDING]}"]
    if counts[OutboxStatus.SHOWN]:
        lines.append(f"开发环境只显示不发送：{counts[OutboxStatus.SHOWN]}")
    if counts[OutboxStatus.UNKNOWN]:
        names = _uncertain_names(session, announcement_id)
        lines.append(f"不确定是否送达：{counts[OutboxStatus.UNKNOWN]}人（{names}），确认没收到可以对他们重发")
    if done.channels:
        lines.append("发送方式：" + "，".join(f"{CHANNEL_NAMES.get(c, c)}{n}" for c, n in done.channels.items()))
    by_reason = Counter()
    for _, reason, n in done.reasons:
        by_reason[reason] += n
    lines += [f"· {reason}：{n}人" for reason, n in by_reason.most_common()]
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
