"""Personal data by law (PIPL): find a resident, show them all we hold, erase them everywhere, purge what expired."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import JSON, String, Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.content.services import Services
from bot.knowledge.chinese import mask_name, mask_phone
from bot.models import (
    Attachment,
    AuditEntry,
    Base,
    Booking,
    Case,
    Enrollment,
    FaqGap,
    HandoffRequest,
    MessageLog,
    Outbox,
    OutboxStatus,
    PreRegistration,
    Reminder,
    Subscription,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
)
from bot.services import audit, kindergarten, statistics

ERASED = "***"
FINISHED = (OutboxStatus.SENT, OutboxStatus.SHOWN, OutboxStatus.SKIPPED, OutboxStatus.FAILED)  # never sent again
NOT_SCRUBBED = {"staff_accounts"}  # staff are not the resident, even when a name is shared
SYSTEM = "系统"
_MASKED_PHONE = re.compile(r"^(\d{3})\*+(\d{4})$")
Sheet = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Found:
    """A resident as the desk sees them before choosing to act: masked, with how much is held."""

    user: User
    name: str
    phone: str
    records: int


def find(session: Session, query: str) -> list[Found]:
    """Residents whose name or phone (full, or masked like 138****5678) matches, on their own row or a form."""
    query = query.strip()
    if not query:
        return []
    masked = _MASKED_PHONE.match(query.replace(" ", ""))
    digits = re.sub(r"[\s-]", "", query)
    ids: set[int] = set()
    for model in (User, Booking, Enrollment, PreRegistration):
        owner = model.id if model is User else model.user_id
        if masked:
            condition = model.phone.like(f"{masked.group(1)}%{masked.group(2)}")
        elif digits.isdigit():
            condition = model.phone.contains(digits, autoescape=True)
        else:
            condition = model.name.contains(query, autoescape=True)
        ids.update(i for i in session.scalars(select(owner).where(condition)) if i is not None)
    users = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)).all()
    return [describe(session, user) for user in users]


def describe(session: Session, user: User) -> Found:
    """One resident as the desk lists them: masked name and phone, and how many records are held."""
    return Found(user, _shown(session, user, "name", mask_name), _shown(session, user, "phone", mask_phone),
                 sum(len(rows) for _, _, rows in held_about(session, user)[1:]))


def held_about(session: Session, user: User) -> list[Sheet]:
    """Everything stored about one resident, a sheet per kind of record (the access request, PIPL Art. 45)."""
    tickets = session.scalars(select(Ticket).where(Ticket.user_id == user.id).order_by(Ticket.id)).all()
    subscriptions = session.scalars(select(Subscription.topic).where(Subscription.user_id == user.id)).all()
    return [
        ("基本信息", ("微信号标识", "姓名", "电话", "同意说明的时间", "关注", "第一次来", "最近一次消息", "来源二维码",
                   "标签", "订阅"),
         [(user.openid, user.name or "", user.phone or "", user.consent_at, "是" if user.subscribed else "否",
           user.created_at, user.last_message_at, user.scene or "", "、".join(sorted(user.tag_names)),
           "、".join(subscriptions))]),
        ("预约", ("预约号", "事项", "日期", "时段", "姓名", "电话", "状态", "提交时间"),
         [(b.number, b.service_id, b.day, b.period, b.name or "", b.phone or "", b.status, b.created_at)
          for b in _owned(session, Booking, user)]),
        ("报名", ("课程", "期", "姓名", "电话", "年龄", "状态", "报名时间"),
         [(e.class_id, e.term, e.name or "", e.phone or "", e.age, e.status, e.created_at)
          for e in _owned(session, Enrollment, user)]),
        ("代办", ("办件号", "事项", "姓名", "电话", "状态", "收材料日期", "承诺办结日期", "还缺的材料"),
         [(c.number, c.service_id, c.name or "", c.phone or "", c.status, c.received_on, c.due_on, c.missing)
          for c in _owned(session, Case, user)]),
        ("上报问题", ("编号", "时间", "类别", "网格", "地点", "描述", "纬度", "经度", "照片", "状态", "评价"),
         [(t.number, t.created_at, t.category, t.grid, t.location, t.description, t.latitude, t.longitude,
           t.pic_url or t.media_id or "", t.status, t.satisfaction or "") for t in tickets]),
        ("上报处理记录", ("编号", "时间", "状态", "说明", "经办"),
         [(t.number, e.at, e.status, e.note, e.by) for t in tickets for e in t.events]),
        ("人工", ("编号", "开始", "当时说的", "状态", "结束"),
         [(c.id, c.created_at, c.text, c.status, c.closed_at) for c in _owned(session, HandoffRequest, user)]),
        ("对话记录", ("时间", "谁说的", "内容"),
         [(m.at, m.direction, m.text) for m in _owned(session, MessageLog, user)]),
        ("照片和位置", ("时间", "类型", "图片", "纬度", "经度", "地址"),
         [(a.created_at, a.kind, a.url or a.media_id or "", a.latitude, a.longitude, a.label or "")
          for a in _owned(session, Attachment, user)]),
        ("发给您的消息", ("时间", "内容", "状态"),
         [(o.created_at, o.text, o.status) for o in session.scalars(
             select(Outbox).where(Outbox.openid == user.openid).order_by(Outbox.id))]),
        ("提醒", ("时间", "内容", "状态"),
         [(r.fire_at, r.text, r.status) for r in session.scalars(
             select(Reminder).where(Reminder.openid == user.openid).order_by(Reminder.fire_at))]),
        ("幼儿园预登记", ("孩子", "出生", "入园秋季", "家长", "电话", "状态", "登记时间"),
         [(r.child or "", r.birth, r.start_year, r.name or "", r.phone or "", kindergarten.STATUS_TEXT[r.status],
           r.created_at) for r in _owned(session, PreRegistration, user)]),
    ]


def contact_values(session: Session, user: User) -> set[str]:
    """The names and phones this resident gave anywhere: each is removed wherever it was written."""
    pairs = [(user.name, user.phone)]
    for model in (Booking, Enrollment, Case):
        pairs += session.execute(select(model.name, model.phone).where(model.user_id == user.id)).all()
    pairs += session.execute(select(PreRegistration.child, PreRegistration.phone)  # the child's name too
                             .where(PreRegistration.user_id == user.id)).all()
    return {value for pair in pairs for value in pair if value and len(value) >= 2}


def unlink_reports(session: Session, user: User) -> None:
    """Reports go on being handled, but point to nobody and keep no photo or exact place of the resident's."""
    session.execute(update(Ticket).where(Ticket.user_id == user.id).values(
        user_id=None, latitude=None, longitude=None, media_id=None, pic_url=None))
    session.execute(delete(Attachment).where(Attachment.user_id == user.id))


def scrub(session: Session, values: Iterable[str]) -> int:
    """Every text column of every table (those added later too) loses these values; the count of cells changed.

    Unanswered-question rows holding one are deleted: their text is the key, and a gap with a name is noise.
    """
    targets = sorted({variant for value in values for variant in _spellings(value)}, key=len, reverse=True)
    if not targets:
        return 0
    session.flush()
    session.execute(delete(FaqGap).where(or_(*(column.contains(v, autoescape=True) for v in targets
                                               for column in (FaqGap.example, FaqGap.normalized)))))
    changed = 0
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_SCRUBBED:
            continue
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if column.primary_key or not isinstance(column.type, String | Text | JSON):
                continue
            as_text = cast(column, Text)
            found = session.execute(select(*keys, column).where(
                or_(*(as_text.contains(v, autoescape=True) for v in targets)))).all()
            for *key, value in found:
                session.execute(update(table).where(*(k == v for k, v in zip(keys, key, strict=True)))
                                .values({column.name: _erase(value, targets)}))
                changed += 1
    session.expire_all()
    return changed


def _spellings(value: str) -> list[str]:
    """A phone may be typed with spaces or dashes (138 1234 5678); a name as it is."""
    if value.isdigit() and len(value) == 11:
        return [value, f"{value[:3]} {value[3:7]} {value[7:]}", f"{value[:3]}-{value[3:7]}-{value[7:]}"]
    return [value]


def _erase(value: Any, targets: list[str]) -> Any:
    if isinstance(value, str):
        for target in targets:
            value = value.replace(target, ERASED)
        return value
    return json.loads(_erase(json.dumps(value, ensure_ascii=False), targets))


@dataclass(frozen=True)
class Retention:
    """How long each kind of personal data is kept (the settings, as periods)."""

    message_log: timedelta
    photos_and_locations: timedelta
    past_contacts: timedelta
    closed_reports: timedelta
    audit_log: timedelta


def purge_expired(session: Session, now: datetime, tz: tzinfo, keep: Retention, services: Services) -> Counter[str]:
    """Delete or blank what is past its retention; the counts are written to the audit log.

    The conversation log goes by whole local days, after each day's counts are kept for the statistics.
    """
    purged: Counter[str] = Counter()
    today = now.astimezone(tz).date()
    log_from = (now - keep.message_log).astimezone(tz).date()
    statistics.keep_counts(session, log_from, tz, now)
    purged["对话记录"] = _count(session.execute(delete(MessageLog).where(
        MessageLog.at < datetime.combine(log_from, time(), tzinfo=tz))))
    purged["人工记录里的话"] = _count(session.execute(update(HandoffRequest).where(
        HandoffRequest.created_at < now - keep.message_log, HandoffRequest.text != "").values(text="")))
    purged["已发消息的内容"] = _count(session.execute(update(Outbox).where(
        Outbox.created_at < now - keep.message_log, Outbox.status.in_(FINISHED), Outbox.text != "",
    ).values(text="", payload={})))
    purged["照片和位置"] = _count(session.execute(delete(Attachment).where(  # stored files: the media job's
        Attachment.created_at < now - keep.photos_and_locations, Attachment.path.is_(None))))
    purged["上报的照片和位置"] = _count(session.execute(update(Ticket).where(
        Ticket.status == TicketStatus.DONE, Ticket.created_at < now - keep.photos_and_locations,
        or_(Ticket.media_id.is_not(None), Ticket.pic_url.is_not(None), Ticket.latitude.is_not(None)),
    ).values(media_id=None, pic_url=None, latitude=None, longitude=None)))
    purged["过期预约的联系方式"] = _count(session.execute(update(Booking).where(
        Booking.day < today - keep.past_contacts, or_(Booking.name.is_not(None), Booking.phone.is_not(None)),
    ).values(name=None, phone=None)))
    purged["往期报名的联系方式"] = _past_terms(session, today - keep.past_contacts, services)
    purged["幼儿园预登记（已入园或取消）"] = kindergarten.purge(session, now - keep.past_contacts)
    purged["办结上报的居民关联"] = _count(session.execute(update(Ticket).where(
        Ticket.status == TicketStatus.DONE, Ticket.user_id.is_not(None),
        select(TicketEvent.id).where(TicketEvent.ticket_id == Ticket.id, TicketEvent.status == TicketStatus.DONE,
                                     TicketEvent.at < now - keep.closed_reports).exists(),
    ).values(user_id=None)))
    purged["操作记录"] = _count(session.execute(delete(AuditEntry).where(AuditEntry.at < now - keep.audit_log)))
    done = {what: n for what, n in purged.items() if n}
    audit.record(session, who=SYSTEM, action="retention", now=now, target="retention",
                 detail="；".join(f"{what}{n}条" for what, n in done.items()) or "没有到期的")
    return purged


def _past_terms(session: Session, ended_before: date, services: Services) -> int:
    """Contacts of class terms that ended before the day; a term is known by its start and the class's weeks."""
    weeks = {klass.id: klass.weeks for klass in services.classes}
    rows = session.scalars(select(Enrollment).where(or_(Enrollment.name.is_not(None), Enrollment.phone.is_not(None),
                                                        Enrollment.age.is_not(None)))).all()
    ended = [row for row in rows if _term_end(row, weeks) < ended_before]
    for row in ended:
        row.name = row.phone = row.age = None
    return len(ended)


def _term_end(enrollment: Enrollment, weeks: dict[str, int]) -> date:
    try:
        start = date.fromisoformat(enrollment.term)
    except ValueError:
        return date.max  # a term we cannot date is kept until staff look
    return start + timedelta(weeks=weeks.get(enrollment.class_id, 0))


def _count(result: Any) -> int:
    return result.rowcount or 0


def _owned(session: Session, model: Any, user: User) -> list[Any]:
    return list(session.scalars(select(model).where(model.user_id == user.id).order_by(model.id)))


def _shown(session: Session, user: User, field: str, mask: Any) -> str:
    """The resident's own value, or the first one they gave on a form, masked."""
    given = [getattr(user, field)]
    for model in (Booking, Enrollment, PreRegistration):
        given += session.scalars(select(getattr(model, field)).where(model.user_id == user.id))
    return next((mask(value) for value in given if value), "")
