"""Working days and public holidays (调休 included) from the State Council's schedule.

``chinese-calendar`` knows only the years whose schedule has been published; for a later day
it raises NotImplementedError. Then a day is a working day when it is Monday to Friday, and
``calendar_out_of_date`` says so, for the staff status page.
"""
from __future__ import annotations

from datetime import date

import chinese_calendar


def is_working_day(day: date) -> bool:
    """A national working day: a 调休 Saturday is one, a 国庆 weekday is not."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.isoweekday() <= 5


def calendar_out_of_date(day: date) -> bool:
    """True when the installed chinese-calendar does not know ``day``'s year: upgrade it."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return True
    return False
