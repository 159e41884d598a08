"""Events, subscription topics, class times, staff and audiences from faq/ (events, staff, audiences)."""
from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

from lunardate import LunarDate
from pydantic import BeforeValidator, Field, StrictInt, model_validator

from bot.content.files import Clock, Day, Model, MonthDay, Text, Weekday, read
from bot.content.services import ClassInfo
from bot.knowledge.chinese import WEEKDAY_NAMES


class Topic(Model):
    id: Annotated[Text, BeforeValidator(str)]
    name: Text
    words: tuple[str, ...] = ()


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
        when = f"{start.month}月{start.day}日（星期{WEEKDAY_NAMES[start.weekday()]}）{start:%H:%M}"
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


def _weekdays(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


Weekdays = Annotated[tuple[Weekday, ...], BeforeValidator(_weekdays), Field(min_length=1)]


class _Monthly(Model):
    week: int
    weekday: Weekday
    months: tuple[Annotated[int, Field(ge=1, le=12)], ...] = ()

    @model_validator(mode="after")
    def _week(self) -> _Monthly:
        if self.week not in (1, 2, 3, 4, -1):
            raise ValueError("week: use 1 to 4, or -1 for the last")
        return self


class _Remind(Model):
    hours_before: float | None = None
    days_before: StrictInt | None = None
    at: Clock | None = None

    @model_validator(mode="after")
    def _complete(self) -> _Remind:
        if self.hours_before is None and (self.days_before is None or self.at is None):
            raise ValueError("give hours_before, or days_before with at")
        return self

    def remind(self) -> Remind:
        if self.hours_before is not None:
            return Remind(hours_before=self.hours_before)
        return Remind(days_before=self.days_before or 0, at=self.at)


class _Event(Model):
    id: Annotated[Text, BeforeValidator(str)]
    name: Text
    place: Text
    time: Clock
    weekly: Weekdays | None = None
    monthly: _Monthly | None = None
    yearly: MonthDay | None = None
    lunar: MonthDay | None = None
    date: Day | None = None
    remind: tuple[_Remind, ...] = Field(min_length=1)
    topic: str | None = None
    tags: tuple[str, ...] = ()
    text: Text | None = None

    @model_validator(mode="after")
    def _one_schedule(self) -> _Event:
        if sum(getattr(self, k) is not None for k in KINDS) != 1:
            raise ValueError("give exactly one of weekly, monthly, yearly, lunar, date")
        if self.topic is None and not self.tags:
            raise ValueError("give a topic or tags (who is reminded)")
        return self

    def event(self) -> Event:
        kind = next(k for k in KINDS if getattr(self, k) is not None)
        rule = getattr(self, kind)
        if kind == "monthly":
            rule = (rule.week, rule.weekday, rule.months)
        extra = {"text": self.text} if self.text else {}
        return Event(id=self.id, name=self.name, place=self.place, start=self.time, kind=kind, rule=rule,
                     remind=tuple(r.remind() for r in self.remind), topic=self.topic, tags=self.tags, **extra)


KINDS = ("weekly", "monthly", "yearly", "lunar", "date")


class _ClassTimes(Model):
    weekdays: Weekdays
    time: Clock
    remind_at: Clock


class _EventsFile(Model):
    topics: tuple[Topic, ...] = Field(min_length=1)
    events: tuple[_Event, ...] = Field(min_length=1)
    class_times: dict[str, _ClassTimes] = Field(min_length=1)


class _Person(Model):
    openid: Text
    name: Text


class _StaffFile(Model):
    staff: tuple[_Person, ...] = Field(min_length=1)


class _Audience(Model):
    wechat_tag_id: StrictInt | None = None


class _AudiencesFile(Model):
    tags: dict[str, _Audience | None] = Field(min_length=1)


def load_calendar(faq_dir: Path, classes: tuple[ClassInfo, ...]) -> Calendar:
    """`classes` come from faq/classes.yaml; events.yaml adds only their machine-readable times."""
    events_doc = read(faq_dir / "events.yaml", faq_dir)
    data = events_doc.parse(_EventsFile)
    audiences = read(faq_dir / "audiences.yaml", faq_dir).parse(_AudiencesFile)
    staff = read(faq_dir / "staff.yaml", faq_dir).parse(_StaffFile)
    topic_ids = {t.id for t in data.topics}
    tags = {str(name): (raw.wechat_tag_id if raw else None) for name, raw in audiences.tags.items()}
    for i, event in enumerate(data.events):
        if event.topic is not None and event.topic not in topic_ids:
            raise events_doc.error(("events", i, "topic"), f"{event.topic!r} is not one of the topics")
        for tag in event.tags:
            if tag not in tags:
                raise events_doc.error(("events", i, "tags"), f"tag {tag!r} is not in faq/audiences.yaml")
    if len({e.id for e in data.events}) != len(data.events):
        raise events_doc.error(("events",), "two events share an id")
    known = {c.id: c for c in classes}
    times = {}
    for class_id, raw in data.class_times.items():
        if class_id not in known:
            raise events_doc.error(("class_times", class_id), f"no class {class_id!r} in faq/classes.yaml")
        times[class_id] = ClassTimes(info=known[class_id], weekdays=raw.weekdays, start=raw.time,
                                     remind_at=raw.remind_at)
    return Calendar(topics=data.topics, events=tuple(e.event() for e in data.events), classes=times,
                    staff={p.openid: p.name for p in staff.staff}, tags=tags)
