"""The 代办 catalogue, booking rules, grids and classes staff edit in faq/, checked on load."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from bot.content.catalog import DataError, read_yaml, require


@dataclass(frozen=True)
class ServiceItem:
    id: str
    name: str
    aliases: tuple[str, ...]
    documents: tuple[str, ...]
    time_limit: str
    paperless: str = ""

    @property
    def documents_text(self) -> str:
        return "、".join(self.documents)


@dataclass(frozen=True)
class Period:
    id: str  # am / pm
    label: str
    start: time
    end: time


@dataclass(frozen=True)
class BookingRules:
    weekdays: frozenset[int]  # 1 = Monday
    periods: tuple[Period, ...]
    per_half_day: int
    working_days_ahead: int
    holidays: frozenset[date]
    reminder_at: time
    place: str

    def period(self, period_id: str) -> Period:
        return next(p for p in self.periods if p.id == period_id)

    def open_days(self, today: date) -> list[date]:
        """The next working days a resident may book, starting tomorrow."""
        days: list[date] = []
        day = today
        while len(days) < self.working_days_ahead:
            day += timedelta(days=1)
            if day.isoweekday() in self.weekdays and day not in self.holidays:
                days.append(day)
        return days


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    area: str
    words: tuple[str, ...]
    worker: str


@dataclass(frozen=True)
class Category:
    name: str
    words: tuple[str, ...]
    handler: str = ""  # who takes it instead of the grid worker (邻里纠纷 → 人民调解委员会)


@dataclass(frozen=True)
class ClassInfo:
    id: str
    name: str
    aliases: tuple[str, ...]
    schedule: str
    place: str
    rain_place: str
    capacity: int
    weeks: int
    term_start: date

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


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataError(f"{where}: expected a list of words")
    return tuple(value)


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a time like 09:00") from None


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a date like 2026-12-01") from None


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise DataError(f"{where}: expected a positive whole number")
    return value


def _records(data: dict[str, Any], key: str, path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each mapping of a list in a data file, with where it is for error messages."""
    for i, raw in enumerate(require(data.get(key), list, f"{path}: {key}")):
        where = f"{path}: {key}[{i}]"
        yield where, require(raw, dict, where)


def _load_services_file(path: Path) -> tuple[tuple[ServiceItem, ...], BookingRules]:
    data = require(read_yaml(path), dict, str(path))
    items = []
    for where, raw in _records(data, "items", path):
        items.append(ServiceItem(
            id=require(raw.get("id"), str, f"{where}.id"),
            name=require(raw.get("name"), str, f"{where}.name"),
            aliases=_words(raw.get("aliases"), f"{where}.aliases"),
            documents=_words(require(raw.get("documents"), list, f"{where}.documents"), f"{where}.documents"),
            time_limit=require(raw.get("time_limit"), str, f"{where}.time_limit"),
            paperless=str(raw.get("paperless") or ""),
        ))
    if len({i.id for i in items}) != len(items):
        raise DataError(f"{path}: items: two items share an id")
    where = f"{path}: booking"
    rules = require(data.get("booking"), dict, where)
    days = require(rules.get("weekdays"), list, f"{where}.weekdays")
    if not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
        raise DataError(f"{where}.weekdays: use 1 (Monday) to 7 (Sunday)")
    periods = []
    for period_id in ("am", "pm"):
        raw = require(rules.get(period_id), dict, f"{where}.{period_id}")
        start = _time(raw.get("from"), f"{where}.{period_id}.from")
        end = _time(raw.get("to"), f"{where}.{period_id}.to")
        if start >= end:
            raise DataError(f"{where}.{period_id}: 'from' must be before 'to'")
        periods.append(Period(period_id, require(raw.get("label"), str, f"{where}.{period_id}.label"), start, end))
    holidays = frozenset(_date(d, f"{where}.holidays[{i}]") for i, d in enumerate(rules.get("holidays") or []))
    booking = BookingRules(
        weekdays=frozenset(days),
        periods=tuple(periods),
        per_half_day=_int(rules.get("per_half_day"), f"{where}.per_half_day"),
        working_days_ahead=_int(rules.get("working_days_ahead"), f"{where}.working_days_ahead"),
        holidays=holidays,
        reminder_at=_time(rules.get("reminder_at", "18:00"), f"{where}.reminder_at"),
        place=require(rules.get("place"), str, f"{where}.place"),
    )
    return tuple(items), booking


def _load_grids_file(path: Path) -> tuple[tuple[Grid, ...], tuple[Category, ...]]:
    data = require(read_yaml(path), dict, str(path))
    grids = []
    for where, raw in _records(data, "grids", path):
        grids.append(Grid(
            id=require(raw.get("id"), str, f"{where}.id"),
            name=require(raw.get("name"), str, f"{where}.name"),
            area=require(raw.get("area"), str, f"{where}.area"),
            words=_words(require(raw.get("words"), list, f"{where}.words"), f"{where}.words"),
            worker=require(raw.get("worker"), str, f"{where}.worker"),
        ))
    categories = []
    for where, raw in _records(data, "categories", path):
        categories.append(Category(
            name=require(raw.get("name"), str, f"{where}.name"),
            words=_words(raw.get("words"), f"{where}.words"),
            handler=str(raw.get("handler") or ""),
        ))
    return tuple(grids), tuple(categories)


def _load_classes_file(path: Path) -> tuple[ClassInfo, ...]:
    data = require(read_yaml(path), dict, str(path))
    classes = []
    for where, raw in _records(data, "classes", path):
        classes.append(ClassInfo(
            id=require(raw.get("id"), str, f"{where}.id"),
            name=require(raw.get("name"), str, f"{where}.name"),
            aliases=_words(raw.get("aliases"), f"{where}.aliases"),
            schedule=require(raw.get("schedule"), str, f"{where}.schedule"),
            place=require(raw.get("place"), str, f"{where}.place"),
            rain_place=require(raw.get("rain_place"), str, f"{where}.rain_place"),
            capacity=_int(raw.get("capacity"), f"{where}.capacity"),
            weeks=_int(raw.get("weeks"), f"{where}.weeks"),
            term_start=_date(raw.get("term_start"), f"{where}.term_start"),
        ))
    return tuple(classes)


def load_services(faq_dir: Path) -> Services:
    items, booking = _load_services_file(faq_dir / "services.yaml")
    grids, categories = _load_grids_file(faq_dir / "grids.yaml")
    return Services(items, booking, grids, categories, _load_classes_file(faq_dir / "classes.yaml"))
