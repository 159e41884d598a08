"""Calendar events and class sessions become Reminder rows ahead of time; due ones go to the outbox."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.content import texts
from bot.content.calendar import Calendar, ClassTimes
from bot.db import Database
from bot.knowledge.chinese import WEEKDAY_NAMES
from bot.models import Enrollment, EnrollmentStatus, KeyValue, Reminder, ReminderStatus, Subscription, User, UserTag
from bot.services import enrollments, keys
from bot.services.errors import NotAllowed
from bot.services.outbox import enqueue, schedule_reminder

log = logging.getLogger(__name__)
HORIZON = timedelta(days=2)
WATERMARK_KEY = "reminders_planned_until"


def plan(db: Database, calendar: Calendar, settings: Settings, now: datetime, since: datetime | None = None) -> int:
    """Create the reminders firing in [since, now + 2 days]; idempotent, so new subscribers join later passes.

    `since` defaults to where the last pass stopped, so a scheduler that was down still creates the
    reminders it slept through — and `queue_due` then marks them missed instead of dropping them.
    """
    until = now + HORIZON
    created = 0
    with db.transaction() as session:
        mark = session.get(KeyValue, WATERMARK_KEY)
        if since is None:
            since = min(datetime.fromisoformat(mark.value), now) if mark else now
        tz = settings.tz
        days = (since.astimezone(tz).date() - timedelta(days=1), until.astimezone(tz).date() + timedelta(days=2))
        for event in calendar.events:
            openids = _event_audience(session, event.topic, event.tags)
            for day in event.dates(*days):
                start = datetime.combine(day, event.start, tzinfo=tz)
                for remind in event.remind:
                    fire = remind.fire_at(start).astimezone(UTC)
                    if since <= fire <= until:
                        created += _ensure(session, keys.event(event.id, day), fire, event.message(start), openids)
        for times in calendar.classes.values():
            times = enrollments.current_times(session, times)
            openids = _enrolled(session, times)
            day = days[0]
            while day <= days[1]:
                if day.isoweekday() in times.weekdays and times.in_term(day):
                    fire = datetime.combine(day - timedelta(days=1), times.remind_at, tzinfo=tz).astimezone(UTC)
                    if since <= fire <= until:
                        text = class_message(times, day, rainy=_rain_day(session, times.id) == day,
                                             sent_on=day - timedelta(days=1))
                        created += _ensure(session, keys.class_session(times.id, day), fire, text, openids)
                day += timedelta(days=1)
        if mark is None:
            session.add(KeyValue(key=WATERMARK_KEY, value=until.isoformat()))
        elif datetime.fromisoformat(mark.value) < until:
            mark.value, mark.updated_at = until.isoformat(), now
    return created


@dataclass(frozen=True)
class Due:
    """One pass over the reminders that fell due: those queued to send and those too late to send."""

    queued: list[Reminder]
    missed: list[Reminder]


def queue_due(db: Database, now: datetime, grace: timedelta) -> Due:
    """Due reminders go to the outbox in the same transaction; one late beyond the grace is marked missed."""
    due = Due([], [])
    with db.transaction() as session:
        query = select(Reminder).where(Reminder.status == ReminderStatus.PENDING, Reminder.fire_at <= now)
        for reminder in session.scalars(query.order_by(Reminder.fire_at).with_for_update(skip_locked=True)):
            reminder.handled_at = now
            if now - reminder.fire_at > grace:
                reminder.status = ReminderStatus.MISSED
                due.missed.append(reminder)
                continue
            enqueue(session, openid=reminder.openid, text=reminder.text, key=keys.reminder_delivery(reminder.id),
                    due_at=reminder.fire_at)
            reminder.status = ReminderStatus.QUEUED
            due.queued.append(reminder)
    if due.missed:
        log.error("%d reminders were missed (more than the grace late); see `community-bot status`", len(due.missed))
    return due


def class_message(times: ClassTimes, day: date, rainy: bool, sent_on: date) -> str:
    """`sent_on` names the day right: the evening-before reminder says 明天, a notice that morning 今天."""
    place = times.info.rain_place if rainy else times.info.place
    rain = texts.CLASS_RAIN_NOTE if rainy else ""
    when = {0: "今天", 1: "明天"}.get((day - sent_on).days, "")
    return texts.CLASS_REMINDER.format(name=times.info.name, when=when, month=day.month, day=day.day,
                                       weekday=WEEKDAY_NAMES[day.weekday()], time=f"{times.start:%H:%M}",
                                       place=place, rain=rain)


class UnknownClass(NotAllowed):
    """No class is named; the message lists those there are."""


@dataclass(frozen=True)
class RainPlan:
    """What "下雨改室内" would change, shown to staff before they confirm: nothing is written yet."""

    times: ClassTimes
    day: date
    to_tell: int  # residents already reminded: they get a notice
    to_reword: int  # reminders not sent yet: they will name the rain place
    already: bool  # this session was moved indoors before

    def summary(self) -> str:
        info = self.times.info
        return (f"{info.name}{self.day.month}月{self.day.day}日（星期{WEEKDAY_NAMES[self.day.weekday()]}）"
                f"{self.times.start:%H:%M}的课改到{info.rain_place}，已经提醒过的{self.to_tell}人会再收到一条通知")


@dataclass(frozen=True)
class RainMove:
    """What flagging rain changed: which class, the session day, and how many already-reminded were told."""

    times: ClassTimes
    day: date
    told: int


def find_class(calendar: Calendar, text: str) -> ClassTimes:
    """`taiji`, `太极`, `下雨 太极`: a class id or the first two characters of its name."""
    found = next((c for c in calendar.classes.values() if c.id in text or c.info.name[:2] in text), None)
    if found is None:
        raise UnknownClass("现有：" + "、".join(c.info.name for c in calendar.classes.values()))
    return found


def next_session(times: ClassTimes, now: datetime, settings: Settings) -> date:
    local = now.astimezone(settings.tz)
    day = max(local.date(), times.info.term_start)
    while day.isoweekday() not in times.weekdays or datetime.combine(day, times.start, tzinfo=settings.tz) <= local:
        day += timedelta(days=1)
    return day


def plan_rain(session: Session, calendar: Calendar, which: str, now: datetime, settings: Settings) -> RainPlan:
    """The next session of the class named and what moving it indoors would do; writes nothing.

    Raises UnknownClass for a class nobody knows, NotAllowed when the term has no session left.
    """
    times = enrollments.current_times(session, find_class(calendar, which))
    day = next_session(times, now, settings)
    if not times.in_term(day):
        raise NotAllowed(f"{times.info.name}本期已经结束，没有要改的课。")
    statuses = list(session.scalars(select(Reminder.status).where(Reminder.key == keys.class_session(times.id, day))))
    return RainPlan(times, day, to_tell=statuses.count(ReminderStatus.QUEUED),
                    to_reword=statuses.count(ReminderStatus.PENDING), already=_rain_day(session, times.id) == day)


def flag_rain(session: Session, calendar: Calendar, which: str, now: datetime, settings: Settings,
              day: date) -> RainMove:
    """Staff confirmed `plan_rain`'s session `day`: pending reminders change, those already told get a notice.

    Raises NotAllowed when the next session is no longer `day` (the confirmation is stale) or was moved already.
    """
    plan = plan_rain(session, calendar, which, now, settings)
    times = plan.times
    if plan.day != day:
        raise NotAllowed(f"{times.info.name}下一次课已经是{plan.day.month}月{plan.day.day}日了，没有改。请重新确认。")
    if plan.already:
        raise NotAllowed(f"{times.info.name}{day.month}月{day.day}日已经改到{times.info.rain_place}了。")
    flag = session.get(KeyValue, keys.rain_day(times.id))
    if flag is None:
        session.add(KeyValue(key=keys.rain_day(times.id), value=day.isoformat(), updated_at=now))
    else:
        flag.value, flag.updated_at = day.isoformat(), now
    text = class_message(times, day, rainy=True, sent_on=day - timedelta(days=1))
    notice = class_message(times, day, rainy=True, sent_on=now.astimezone(settings.tz).date())
    told = 0
    for reminder in session.scalars(select(Reminder).where(Reminder.key == keys.class_session(times.id, day))):
        if reminder.status == ReminderStatus.PENDING:
            reminder.text = text
        elif reminder.status == ReminderStatus.QUEUED:
            enqueue(session, openid=reminder.openid, text=notice, key=keys.rain_notice(times.id, day, reminder.openid),
                    due_at=now)
            told += 1
    return RainMove(times, day, told)


def _rain_day(session: Session, class_id: str) -> date | None:
    row = session.get(KeyValue, keys.rain_day(class_id))
    return date.fromisoformat(row.value) if row else None


def _ensure(session: Session, key: str, fire: datetime, text: str, openids: Iterable[str]) -> int:
    existing = set(session.scalars(select(Reminder.openid).where(Reminder.key == key, Reminder.fire_at == fire)))
    created = 0
    for openid in openids:
        if openid not in existing:
            schedule_reminder(session, key=key, openid=openid, fire_at=fire, text=text)
            created += 1
    return created


def _event_audience(session: Session, topic: str | None, tags: tuple[str, ...]) -> list[str]:
    openids: set[str] = set()
    if topic:
        openids.update(session.scalars(select(User.openid).join(Subscription, Subscription.user_id == User.id)
                                       .where(Subscription.topic == topic, User.subscribed.is_(True))))
    if tags:
        openids.update(session.scalars(select(User.openid).join(UserTag, UserTag.user_id == User.id)
                                       .where(UserTag.tag.in_(tags), User.subscribed.is_(True))))
    return sorted(openids)


def _enrolled(session: Session, times: ClassTimes) -> list[str]:
    """Residents holding a seat in this term of the class."""
    return sorted(set(session.scalars(
        select(User.openid).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.class_id == times.id, Enrollment.term == times.info.term,
               Enrollment.status == EnrollmentStatus.ENROLLED, User.subscribed.is_(True))
    )))
