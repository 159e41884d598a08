"""The 代办 catalogue, booking rules, grids and classes staff edit in faq/, checked on load."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from pydantic import Field, model_validator

from bot.content.files import Clock, Count, Day, Model, Text, Words, read
from bot.content.workdays import is_working_day

SAME_DAY = "当场办结"
WORKING_DAYS = re.compile(r"(\d+)个工作日")


class ServiceItem(Model):
    id: Text
    name: Text
    aliases: Words = ()
    documents: Words = Field(min_length=1)
    time_limit: Text
    paperless: str = ""
    for_whom: Words = ()  # 常替家里人办 (母亲, 父亲, 老伴): the booking asks whom it is for

    @property
    def documents_text(self) -> str:
        return "、".join(self.documents)

    @property
    def working_days(self) -> int | None:
        """The 承诺时限 as a count of working days (当场办结 is 0); None when it names no such count."""
        if SAME_DAY in self.time_limit:
            return 0
        found = WORKING_DAYS.search(self.time_limit)
        return int(found.group(1)) if found else None


class Period(Model):
    id: str = ""  # am / pm, set by BookingRules
    label: Text
    start: Clock = Field(alias="from")
    end: Clock = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start >= self.end:
            raise ValueError("'from' must be before 'to'")
        return self


class BookingRules(Model):
    """Half-day slots on working days: the national calendar (调休 included) minus local closures."""

    place: Text
    am: Period
    pm: Period
    per_half_day: Count
    working_days_ahead: Count
    reminder_at: Clock = time(18)
    closures: tuple[Day, ...] = ()  # local only: the national holidays come from chinese-calendar

    @property
    def periods(self) -> tuple[Period, ...]:
        return (self.am.model_copy(update={"id": "am"}), self.pm.model_copy(update={"id": "pm"}))

    def period(self, period_id: str) -> Period:
        return next(p for p in self.periods if p.id == period_id)

    def is_open(self, day: date) -> bool:
        return is_working_day(day) and day not in self.closures

    def open_days(self, today: date) -> list[date]:
        """The next working days a resident may book, starting tomorrow."""
        days: list[date] = []
        day = today
        while len(days) < self.working_days_ahead:
            day += timedelta(days=1)
            if self.is_open(day):
                days.append(day)
        return days


class Grid(Model):
    id: Text
    number: Count  # what a grid worker's account names (网格员 of grid 1)
    name: Text
    area: Text
    words: Words = Field(min_length=1)
    worker: Text


class Category(Model):
    name: Text
    words: Words = ()
    handler: str = ""  # who takes it instead of the grid worker (邻里纠纷 → 人民调解委员会)
    respond_hours: Count  # working hours until a person has taken it up (处理中)
    resolve_hours: Count  # working hours until it is 已办结


class ClassInfo(Model):
    id: Text
    name: Text
    aliases: Words = ()
    schedule: Text
    place: Text
    rain_place: Text
    capacity: Count
    weeks: Count
    term_start: Day
    for_whom: Words = ()  # 常替家里人报 (孩子, 孙子): the sign-up asks whom it is for
    min_age: Count | None = None  # the age limit, of whoever takes part (not the resident signing up)
    max_age: Count | None = None

    @model_validator(mode="after")
    def _ages_ordered(self) -> ClassInfo:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not be above max_age")
        return self

    @property
    def has_age_limit(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def admits(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    @property
    def term(self) -> str:
        return self.term_start.isoformat()

    @property
    def details(self) -> str:
        return (f"{self.name}：{self.schedule}，在{self.place}（下雨改到{self.rain_place}）。"
                f"本期{self.term_start.month}月{self.term_start.day}日开始，共{self.weeks}周，免费。")


@dataclass(frozen=True)
class Services:
    items: tuple[ServiceItem, ...]
    booking: BookingRules
    grids: tuple[Grid, ...]
    categories: tuple[Category, ...]
    classes: tuple[ClassInfo, ...]

    def item(self, key: str) -> ServiceItem | None:
        return next((i for i in self.items if key in (i.id, i.name)), None)

    def find_item(self, text: str) -> ServiceItem | None:
        """The item whose name or longest alias appears in what the resident said."""
        best: tuple[int, ServiceItem] | None = None
        for item in self.items:
            for word in (item.name, *item.aliases):
                if word in text and (best is None or len(word) > best[0]):
                    best = (len(word), item)
        return best[1] if best else None

    def grid(self, key: str) -> Grid | None:
        return next((g for g in self.grids if key in (g.id, g.name)), None)

    def grid_names(self, numbers: list[int]) -> list[str]:
        """The grids a grid worker's account covers, by the names reports carry."""
        return [g.name for g in self.grids if g.number in numbers]

    def find_grid(self, text: str) -> Grid | None:
        best: tuple[int, Grid] | None = None
        for grid in self.grids:
            for word in (grid.name, grid.area, *grid.words):
                if word in text and (best is None or len(word) > best[0]):
                    best = (len(word), grid)
        return best[1] if best else None

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def find_category(self, text: str) -> Category | None:
        return next((c for c in self.categories if c.name in text or any(w in text for w in c.words)), None)

    def klass(self, key: str) -> ClassInfo | None:
        return next((c for c in self.classes if key in (c.id, c.name)), None)

    def find_class(self, text: str) -> ClassInfo | None:
        return next((c for c in self.classes if any(w in text for w in (c.name, *c.aliases))), None)


class _ServicesFile(Model):
    items: tuple[ServiceItem, ...]
    booking: BookingRules

    @model_validator(mode="after")
    def _unique(self) -> _ServicesFile:
        if len({i.id for i in self.items}) != len(self.items):
            raise ValueError("items: two items share an id")
        return self


class _GridsFile(Model):
    grids: tuple[Grid, ...]
    categories: tuple[Category, ...]

    @model_validator(mode="after")
    def _unique(self) -> _GridsFile:
        if len({g.number for g in self.grids}) != len(self.grids):
            raise ValueError("grids: two grids share a number")
        return self


class _ClassesFile(Model):
    classes: tuple[ClassInfo, ...]


def load_services(faq_dir: Path) -> Services:
    services = read(faq_dir / "services.yaml", faq_dir).parse(_ServicesFile)
    grids = read(faq_dir / "grids.yaml", faq_dir).parse(_GridsFile)
    classes = read(faq_dir / "classes.yaml", faq_dir).parse(_ClassesFile)
    return Services(services.items, services.booking, grids.grids, grids.categories, classes.classes)
