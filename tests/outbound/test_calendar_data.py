"""faq/events.yaml, staff.yaml and audiences.yaml: a mistake names the file and the key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.calendar import Calendar, load_calendar
from bot.content.files import ContentError
from bot.content.services import load_services

FAQ = Path(__file__).resolve().parents[2] / "faq"


def load(folder: Path) -> Calendar:
    return load_calendar(folder, load_services(folder).classes)


@pytest.fixture
def faq(tmp_path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(FAQ, folder)
    return folder


def test_the_shipped_data_loads():
    calendar = load(FAQ)
    assert "dev-staff-chen" in calendar.staff
    assert {e.id for e in calendar.events} >= {"council", "deputy-duty", "chongyang", "gala-2027"}


@pytest.mark.parametrize("before, after, message", [
    ("    weekly: 3", "    weekly: 8", "events[1].weekly[0]: use 1 (Monday)"),
    ("topic: 议事会\n", "topic: 没有\n", "events[0].topic: '没有' is not one of the topics"),
    ('\n    lunar: "09-09"', '\n    lunar: "13-01"', "events[4].lunar: '13-01' is not a month-day"),
    ("tags: [大党委成员]", "tags: [不存在]", "tag '不存在' is not in"),
    ("  taiji:\n", "  tai-chi:\n", "class_times.tai-chi: no class 'tai-chi' in faq/classes.yaml"),
])
def test_a_mistake_in_events_names_file_and_key(faq, before, after, message):
    path = faq / "events.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(before, after, 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load(faq)
    assert "events.yaml" in str(raised.value) and message in str(raised.value)


def test_a_staff_entry_without_openid_is_refused(faq):
    (faq / "staff.yaml").write_text("staff:\n  - {name: 陈主任}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^faq/staff.yaml:2: staff\[0\].openid: missing$"):
        load(faq)
