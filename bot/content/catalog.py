"""Operational data staff edit in faq/: the menu, QR scenes and staff hours."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, RootModel, model_validator

from bot.content.files import Clock, ContentError, Model, Text, Weekday, read


class MenuItem(Model):
    name: Text
    key: Text
    say: Text


class MenuButton(Model):
    name: Text
    items: tuple[MenuItem, ...] = Field(min_length=1, max_length=5)  # WeChat's limit


class HelpItem(Model):
    label: Text
    say: Text


class HoursRule(Model):
    days: frozenset[Weekday] = Field(min_length=1)
    start: Clock = Field(alias="from")
    end: Clock = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> HoursRule:
        if self.start >= self.end:
            raise ValueError("'from' must be before 'to'")
        return self


class _MenuFile(Model):
    buttons: tuple[MenuButton, ...] = Field(min_length=1, max_length=3)  # WeChat's limit
    help: tuple[HelpItem, ...] = Field(min_length=1)
    scenes: dict[str, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_keys(self) -> _MenuFile:
        keys = [item.key for button in self.buttons for item in button.items]
        if len(keys) != len(set(keys)):
            raise ValueError("two menu items share a key")
        return self


class _OfficeFile(Model):
    staff_hours: tuple[HoursRule, ...] = Field(min_length=1)
    staff_hours_text: Text


def _pattern(words: Any) -> re.Pattern[str]:
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
        raise ValueError("expected a list of patterns")
    try:
        return re.compile("|".join(f"(?:{w})" for w in words))
    except re.error as error:
        raise ValueError(f"bad pattern ({error})") from None


class _IntentsFile(RootModel[dict[str, Annotated[re.Pattern[str], BeforeValidator(_pattern)]]]):
    model_config = ConfigDict(frozen=True)


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
        raise ContentError("faq/office.yaml:1: staff_hours has no working time in a week")

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


def load_catalog(faq_dir: Path) -> Catalog:
    menu = read(faq_dir / "menu.yaml", faq_dir).parse(_MenuFile)
    office = read(faq_dir / "office.yaml", faq_dir).parse(_OfficeFile)
    intents = read(faq_dir / "intents.yaml", faq_dir).parse(_IntentsFile)
    return Catalog(
        intents=tuple(intents.root.items()),
        buttons=menu.buttons,
        help=menu.help,
        scenes=menu.scenes,
        staff_hours=office.staff_hours,
        staff_hours_text=office.staff_hours_text,
    )
