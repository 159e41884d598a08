"""Events, subscription topics, class times, staff and audiences from faq/ (events, staff, audiences)."""
from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from lunardate import LunarDate

from bot.content.catalog import DataError, read_yaml, require
from bot.content.services import ClassInfo

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Remind:
    days_before: int = 0
    at: time | None = None  # with days_before: that day at this time
    hours_before: float = 0.0

    def fire_at(self, start: datetime) -> datetime:
        if self.at is not None:
            return datetime.combine(start.date() - timedelta(days=self.days_before), self.at, tzinfo=start.tzinfo)
        return start - timedelta(hours=self.hours_before)


@dataclass(frozen=True)
class Event:
    """A recurring or one-off community event and who is reminded of it."""

    id: str
    name: str
    place: str
    start: time
    kind: str  # weekly monthly yearly lunar date
    rule: Any
    remind: tuple[Remind, ...]
    topic: str | None = None
    tags: tuple[str, ...] = ()
    text: str = "提醒：{name}，{when}，地点：{place}。"

    def dates(self, first: date, last: date) -> Iterator[date]:
        """Occurrence days in [first, last]."""
        if self.kind == "date":
            if first <= self.rule <= last:
                yield self.rule
            return
        if self.kind in ("yearly", "lunar"):
            for year in range(first.year - 1, last.year + 1):
                month, day = self.rule
                # A lunar year starts in Jan/Feb, so lunar month 9 of year Y falls in Gregorian year Y.
                when = LunarDate(year, month, day).to_solar_date() if self.kind == "lunar" else date(year, month, day)
                if first <= when <= last:
                    yield when
            return
        day = first
        while day <= last:
            if self.kind == "weekly" and day.isoweekday() in self.rule:
                yield day
            if self.kind == "monthly" and day == _nth_weekday(day.year, day.month, self.rule):
                yield day
            day += timedelta(days=1)

    def message(self, start: datetime) -> str:
        when = f"{start.month}月{start.day}日（星期{WEEKDAYS[start.isoweekday() - 1]}）{start:%H:%M}"
        return self.text.format(name=self.name, when=when, place=self.place)


@dataclass(frozen=True)
class ClassTimes:
    """When a class in faq/classes.yaml meets, in a form the planner can count with."""

    info: ClassInfo  # name, place, rain place and term, from faq/classes.yaml
    weekdays: tuple[int, ...]
    start: time
    remind_at: time  # the evening before

    @property
    def id(self) -> str:
        return self.info.id

    def in_term(self, day: date) -> bool:
        return self.info.term_start <= day < self.info.term_start + timedelta(weeks=self.info.weeks)


@dataclass(frozen=True)
class Calendar:
    topics: tuple[Topic, ...] = ()
    events: tuple[Event, ...] = ()
    classes: Mapping[str, ClassTimes] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)  # openid → name
    tags: Mapping[str, int | None] = field(default_factory=dict)  # tag → WeChat tag id

    def topic(self, text: str) -> Topic | None:
        """The topic named in a message like 订阅议事会提醒 (longest word wins)."""
        found = [(len(w), t) for t in self.topics for w in (t.id, t.name, *t.words) if w and w in text]
        return max(found, key=lambda pair: pair[0])[1] if found else None

    def topic_by_id(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


def _nth_weekday(year: int, month: int, rule: tuple[int, int, tuple[int, ...]]) -> date | None:
    week, weekday, months = rule
    if months and month not in months:
        return None
    days = [d for d in range(1, month_calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).isoweekday() == weekday]
    return date(year, month, days[week - 1 if week > 0 else -1])


def _time(value: Any, where: str) -> time:
    if isinstance(value, int):  # YAML reads 15:00 unquoted as a sexagesimal number
        return time(value // 60, value % 60)
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a time like 15:00") from None


def _weekdays(value: Any, where: str) -> tuple[int, ...]:
    days = tuple(value) if isinstance(value, list) else (value,)
    if not days or not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
        raise DataError(f"{where}: use 1 (Monday) to 7 (Sunday)")
    return days


def _month_day(value: Any, where: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in str(value).split("-"))
        date(2001, month, day)  # not 02-29: it would vanish three years in four
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a month-day like 03-08") from None
    return month, day


def _event(raw: Any, where: str, topics: set[str]) -> Event:
    raw = require(raw, dict, where)
    kinds = [k for k in ("weekly", "monthly", "yearly", "lunar", "date") if k in raw]
    if len(kinds) != 1:
        raise DataError(f"{where}: give exactly one of weekly, monthly, yearly, lunar, date")
    kind = kinds[0]
    value = raw[kind]
    if kind == "weekly":
        rule: Any = _weekdays(value, f"{where}.weekly")
    elif kind == "monthly":
        value = require(value, dict, f"{where}.monthly")
        week = value.get("week")
        if week not in (1, 2, 3, 4, -1):
            raise DataError(f"{where}.monthly.week: use 1 to 4, or -1 for the last")
        months = tuple(value.get("months") or ())
        if not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
            raise DataError(f"{where}.monthly.months: use 1 to 12")
        rule = (week, _weekdays(value.get("weekday"), f"{where}.monthly.weekday")[0], months)
    elif kind == "date":
        if not isinstance(value, date):
            raise DataError(f"{where}.date: {value!r} is not a date like 2027-01-16")
        rule = value
    else:
        rule = _month_day(value, f"{where}.{kind}")
    reminders = []
    for i, item in enumerate(require(raw.get("remind"), list, f"{where}.remind")):
        item = require(item, dict, f"{where}.remind[{i}]")
        if "hours_before" in item:
            reminders.append(Remind(hours_before=float(item["hours_before"])))
        elif "days_before" in item and "at" in item:
            at = _time(item["at"], f"{where}.remind[{i}].at")
            reminders.append(Remind(days_before=int(item["days_before"]), at=at))
        else:
            raise DataError(f"{where}.remind[{i}]: give hours_before, or days_before with at")
    topic = raw.get("topic")
    if topic is not None and topic not in topics:
        raise DataError(f"{where}.topic: {topic!r} is not one of the topics")
    tags = tuple(raw.get("tags") or ())
    if topic is None and not tags:
        raise DataError(f"{where}: give a topic or tags (who is reminded)")
    extra = {"text": require(raw["text"], str, f"{where}.text")} if "text" in raw else {}
    return Event(
        id=require(str(raw.get("id", "")), str, f"{where}.id"), name=require(raw.get("name"), str, f"{where}.name"),
        place=require(raw.get("place"), str, f"{where}.place"), start=_time(raw.get("time"), f"{where}.time"),
        kind=kind, rule=rule, remind=tuple(reminders), topic=topic, tags=tags, **extra,
    )


def load_calendar(faq_dir: Path, classes: tuple[ClassInfo, ...]) -> Calendar:
    """`classes` come from faq/classes.yaml; events.yaml adds only their machine-readable times."""
    events_path, staff_path = faq_dir / "events.yaml", faq_dir / "staff.yaml"
    audiences_path = faq_dir / "audiences.yaml"
    data = require(read_yaml(events_path), dict, str(events_path))
    topics = tuple(
        Topic(id=require(str(t.get("id", "")), str, f"{events_path}: topics[{i}].id"),
              name=require(t.get("name"), str, f"{events_path}: topics[{i}].name"),
              words=tuple(str(w) for w in t.get("words") or ()))
        for i, t in enumerate(require(data.get("topics"), list, f"{events_path}: topics"))
    )
    topic_ids = {t.id for t in topics}
    events = tuple(_event(e, f"{events_path}: events[{i}]", topic_ids)
                   for i, e in enumerate(require(data.get("events"), list, f"{events_path}: events")))
    if len({e.id for e in events}) != len(events):
        raise DataError(f"{events_path}: two events share an id")
    known = {c.id: c for c in classes}
    times = {}
    for class_id, raw in require(data.get("class_times"), dict, f"{events_path}: class_times").items():
        where = f"{events_path}: class_times.{class_id}"
        if class_id not in known:
            raise DataError(f"{where}: no class {class_id!r} in faq/classes.yaml")
        raw = require(raw, dict, where)
        times[str(class_id)] = ClassTimes(
            info=known[class_id], weekdays=_weekdays(raw.get("weekdays"), f"{where}.weekdays"),
            start=_time(raw.get("time"), f"{where}.time"), remind_at=_time(raw.get("remind_at"), f"{where}.remind_at"),
        )
    staff_data = require(read_yaml(staff_path), dict, str(staff_path))
    staff = {}
    for i, person in enumerate(require(staff_data.get("staff"), list, f"{staff_path}: staff")):
        where = f"{staff_path}: staff[{i}]"
        staff[require(person.get("openid"), str, f"{where}.openid")] = require(person.get("name"), str, f"{where}.name")
    audiences = require(read_yaml(audiences_path), dict, str(audiences_path))
    tags: dict[str, int | None] = {}
    for name, raw in require(audiences.get("tags"), dict, f"{audiences_path}: tags").items():
        tag_id = (raw or {}).get("wechat_tag_id")
        if tag_id is not None and not isinstance(tag_id, int):
            raise DataError(f"{audiences_path}: tags.{name}.wechat_tag_id must be a number")
        tags[str(name)] = tag_id
    for event in events:
        for tag in event.tags:
            if tag not in tags:
                raise DataError(f"{events_path}: event {event.id}: tag {tag!r} is not in {audiences_path}")
    return Calendar(topics=topics, events=events, classes=times, staff=staff, tags=tags)
