"""Who came to each class session: staff tick the roster at the session, the roster shows the tally."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content.calendar import ClassTimes
from bot.models import Attendance, StaffAccount
from bot.services import audit, enrollments
from bot.services.errors import NotAllowed


def session_days(times: ClassTimes, until: date) -> list[date]:
    """The term's session days up to `until`, oldest first (what can be marked)."""
    day, found = times.info.term_start, []
    while day <= until and times.in_term(day):
        if day.isoweekday() in times.weekdays:
            found.append(day)
        day += timedelta(days=1)
    return found


def marks(session: Session, class_id: str, day: date) -> dict[int, bool]:
    """Enrollment id → came, for one session; empty when nobody marked it yet."""
    return dict(session.execute(select(Attendance.enrollment_id, Attendance.present).where(
        Attendance.class_id == class_id, Attendance.day == day)).all())


def tally(session: Session, enrollment_ids: Iterable[int]) -> Counter[int]:
    """Sessions each enrolled resident came to."""
    ids = list(enrollment_ids)
    return Counter(dict(session.execute(select(Attendance.enrollment_id, func.count()).where(
        Attendance.enrollment_id.in_(ids), Attendance.present.is_(True)).group_by(Attendance.enrollment_id)).all()))


def record(session: Session, times: ClassTimes, day: date, present: set[int], *, who: StaffAccount | str,
           today: date, now: datetime, ip: str = "") -> tuple[int, int]:
    """Everyone holding a seat is marked came or not; a second save corrects the first. Returns (came, absent).

    Raises NotAllowed for a day that is no session of the term or still ahead.
    """
    times = enrollments.current_times(session, times)
    if day > today or day not in session_days(times, day):
        raise NotAllowed(f"{day:%m月%d日}没有{times.info.name}的课（或者还没到），不能点名。")
    enrolled, _ = enrollments.roster(session, times.info)
    existing = {row.enrollment_id: row for row in session.scalars(select(Attendance).where(
        Attendance.class_id == times.id, Attendance.day == day))}
    name = who.name if isinstance(who, StaffAccount) else who
    for enrollment in enrolled:
        row = existing.get(enrollment.id)
        if row is None:
            row = Attendance(enrollment_id=enrollment.id, class_id=times.id, day=day)
            session.add(row)
        row.present, row.marked_by, row.marked_at = enrollment.id in present, name, now
    came = sum(1 for e in enrolled if e.id in present)
    audit.record(session, who=who, action="class.attendance", now=now, target=f"class:{times.id}", ip=ip,
                 detail=f"{day:%Y-%m-%d} 到{came}人，没到{len(enrolled) - came}人")
    return came, len(enrolled) - came
