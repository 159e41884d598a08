"""Operational data staff edit in faq/: the menu, QR scenes and staff hours."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml


class DataError(ValueError):
    """A data file is wrong; the message names the file (and line when known)."""


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataError(f"{where}: {getattr(error, 'problem', None) or error}") from None


def require(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, (str, list, dict)) and not value):
        raise DataError(f"{where}: expected a non-empty {kind.__name__}")
    return value


@dataclass(frozen=True)
class MenuItem:
    name: str
    key: str
    say: str


@dataclass(frozen=True)
class MenuButton:
    name: str
    items: tuple[MenuItem, ...]


@dataclass(frozen=True)
class HelpItem:
    label: str
    say: str


@dataclass(frozen=True)
class HoursRule:
    days: frozenset[int]
    start: time
    end: time


@dataclass(frozen=True)
class Catalog:
    buttons: tuple[MenuButton, ...]
    help: tuple[HelpItem, ...]
    scenes: Mapping[str, str]
    staff_hours: tuple[HoursRule, ...]
    staff_hours_text: str
    intents: tuple[tuple[str, re.Pattern[str]], ...]

    def intent_for(self, text: str, normalized: str) -> str | None:
        """The first intent, in file order, whose words appear in the raw or normalised text."""
        for name, pattern in self.intents:
            if pattern.search(normalized) or pattern.search(text):
                return name
        return None

    def click(self, key: str) -> str | None:
        for button in self.buttons:
            for item in button.items:
                if item.key == key:
                    return item.say
        return None

    def staff_on_duty(self, local: datetime) -> bool:
        return any(
            local.isoweekday() in rule.days and rule.start <= local.time() < rule.end
            for rule in self.staff_hours
        )

    def next_staff_time(self, local: datetime) -> datetime:
        """The next moment staff are on duty, looking up to a week ahead."""
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for rule in sorted(self.staff_hours, key=lambda r: r.start):
                start = datetime.combine(day, rule.start, tzinfo=local.tzinfo)
                if day.isoweekday() in rule.days and start > local:
                    return start
        raise DataError("faq/office.yaml: staff_hours has no working time in a week")

    def menu_payload(self) -> dict[str, Any]:
        """The body WeChat's menu/create API expects."""
        return {
            "button": [
                {
                    "name": button.name,
                    "sub_button": [
                        {"type": "click", "name": item.name, "key": item.key} for item in button.items
                    ],
                }
                for button in self.buttons
            ]
        }


def _parse_time(text: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        raise DataError(f"{where}: {text!r} is not a time like 08:30") from None


def load_catalog(faq_dir: Path) -> Catalog:
    menu_path, office_path = faq_dir / "menu.yaml", faq_dir / "office.yaml"
    menu = require(read_yaml(menu_path), dict, str(menu_path))
    buttons = []
    for i, button in enumerate(require(menu.get("buttons"), list, f"{menu_path}: buttons")):
        where = f"{menu_path}: buttons[{i}]"
        items = tuple(
            MenuItem(
                name=require(item.get("name"), str, f"{where}.items[{j}].name"),
                key=require(item.get("key"), str, f"{where}.items[{j}].key"),
                say=require(item.get("say"), str, f"{where}.items[{j}].say"),
            )
            for j, item in enumerate(require(button.get("items"), list, f"{where}.items"))
        )
        if len(items) > 5:
            raise DataError(f"{where}: WeChat allows at most 5 items under a button")
        buttons.append(MenuButton(require(button.get("name"), str, f"{where}.name"), items))
    if len(buttons) > 3:
        raise DataError(f"{menu_path}: WeChat allows at most 3 menu buttons")
    keys = [item.key for button in buttons for item in button.items]
    if len(keys) != len(set(keys)):
        raise DataError(f"{menu_path}: two menu items share a key")
    help_items = tuple(
        HelpItem(
            require(item.get("label"), str, f"{menu_path}: help[{i}].label"),
            require(item.get("say"), str, f"{menu_path}: help[{i}].say"),
        )
        for i, item in enumerate(require(menu.get("help"), list, f"{menu_path}: help"))
    )
    scenes = {str(k): require(v, str, f"{menu_path}: scenes.{k}") for k, v in (menu.get("scenes") or {}).items()}

    office = require(read_yaml(office_path), dict, str(office_path))
    rules = []
    for i, rule in enumerate(require(office.get("staff_hours"), list, f"{office_path}: staff_hours")):
        where = f"{office_path}: staff_hours[{i}]"
        days = require(rule.get("days"), list, f"{where}.days")
        if not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
            raise DataError(f"{where}.days: use 1 (Monday) to 7 (Sunday)")
        start, end = _parse_time(rule.get("from"), f"{where}.from"), _parse_time(rule.get("to"), f"{where}.to")
        if start >= end:
            raise DataError(f"{where}: 'from' must be before 'to'")
        rules.append(HoursRule(frozenset(days), start, end))
    intents_path = faq_dir / "intents.yaml"
    intents = []
    for name, words in require(read_yaml(intents_path), dict, str(intents_path)).items():
        patterns = require(words, list, f"{intents_path}: {name}")
        try:
            intents.append((str(name), re.compile("|".join(f"(?:{w})" for w in patterns))))
        except re.error as error:
            raise DataError(f"{intents_path}: {name}: bad pattern ({error})") from None
    return Catalog(
        intents=tuple(intents),
        buttons=tuple(buttons),
        help=help_items,
        scenes=scenes,
        staff_hours=tuple(rules),
        staff_hours_text=require(office.get("staff_hours_text"), str, f"{office_path}: staff_hours_text"),
    )
