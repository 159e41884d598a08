"""Staff may write 18:00 quoted or not in any file, and working days follow the State Council's
schedule (调休 included), falling back to plain weekdays when the package is too old."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content import workdays
from bot.content.files import ContentError
from bot.content.library import load_snapshot
from bot.content.services import load_services

FAQ = PROJECT_ROOT / "faq"


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(FAQ, folder)
    return folder


def test_an_unquoted_time_is_a_time_in_office_and_events(faq: Path) -> None:
    # YAML 1.1 reads an unquoted 18:00 as the number 1080; both files must take it as 18:00.
    for name in ("office.yaml", "events.yaml"):
        path = faq / name
        path.write_text(path.read_text(encoding="utf-8").replace('"18:00"', "18:00"), encoding="utf-8")
    snapshot = load_snapshot(faq)
    assert snapshot.catalog.staff_hours[0].end == time(18, 0)
    assert snapshot.calendar.events[0].remind[0].at == time(18, 0)


def test_a_wrong_time_names_file_line_and_key(faq: Path) -> None:
    path = faq / "office.yaml"
    text = path.read_text(encoding="utf-8").replace('to: "17:00"', 'to: "五点"')
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "五点" in row)
    with pytest.raises(ContentError, match=rf"^faq/office.yaml:{line}: staff_hours\[1\].to: '五点' is not a time"):
        load_snapshot(faq)


def test_a_makeup_saturday_is_bookable_and_a_national_day_weekday_is_not() -> None:
    booking = load_services(FAQ).booking
    assert booking.is_open(date(2025, 9, 28))  # a Sunday worked for 国庆 (调休)
    assert booking.is_open(date(2025, 10, 11))  # a Saturday worked for 国庆 (调休)
    assert not booking.is_open(date(2025, 10, 3))  # a Friday of the 国庆 holiday
    assert not booking.is_open(date(2025, 10, 4))  # an ordinary Saturday of it


def test_a_local_closure_is_not_bookable(faq: Path) -> None:
    path = faq / "services.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("closures: []", "closures: [2025-10-09]"),
                    encoding="utf-8")
    booking = load_services(faq).booking
    assert not booking.is_open(date(2025, 10, 9)) and booking.is_open(date(2025, 10, 10))


def test_a_year_the_package_does_not_know_falls_back_to_weekdays() -> None:
    far = date(2099, 1, 5)  # a Monday, long after any published schedule
    assert workdays.calendar_out_of_date(far)
    assert workdays.is_working_day(far) and not workdays.is_working_day(date(2099, 1, 3))
    assert not workdays.calendar_out_of_date(date(2025, 10, 1))


def test_the_project_names_no_path_of_a_machine():
    """Shared files are cited as ../shared/…, so a clone works anywhere."""
    root = Path(__file__).resolve().parents[2]
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    machine = re.compile(r"/(?:work|home|root|Users)/[\w.-]+/")
    named = [name for name in tracked if name.endswith((".py", ".yaml", ".md", ".toml", ".html", ".txt", ".cfg"))
             and machine.search((root / name).read_text(encoding="utf-8", errors="replace"))]
    assert named == []
