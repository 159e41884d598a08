"""Staff change a class's term in the console: dates and capacity, checked, audited; the yaml stays the default."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.content.calendar import Calendar
from bot.content.services import ClassInfo, Services
from bot.models import ClassTerm, Enrollment, Reminder, ReminderStatus, StaffAccount
from bot.services import attendance, audit, enrollments, keys
from bot.services.errors import NotAllowed

MAX_WEEKS, MAX_CAPACITY = 52, 500


@dataclass(frozen=True)
class TermChange:
    """The term before and after, and who moved up from the waiting list into new seats."""

    before: ClassInfo
    after: ClassInfo
    promoted: list[Enrollment]
    cancelled: int  # reminders of sessions the term no longer has


def describe(klass: ClassInfo) -> str:
    """How staff read a term in the audit log and on the page."""
    return f"{klass.term_start:%Y-%m-%d}起{klass.weeks}周，{klass.capacity}个名额"


def change(session: Session, services: Services, calendar: Calendar, klass: ClassInfo, *, term_start: date,
           weeks: int, capacity: int, new_term: bool, who: StaffAccount | str, now: datetime, ip: str = ""
           ) -> TermChange:
    """A correction keeps this term's sign-ups (moved to the new dates); `new_term` starts an empty one.

    Reminders already planned for sessions outside the new dates are cancelled; the caller plans the
    new ones (`reminders.plan` with `since=now`), since the scheduler only plans ahead of where it stopped.

    Raises NotAllowed, before anything is written, for a capacity below the seats already taken, a
    new term that does not start after this one, or dates another term of the class already used.
    """
    before = enrollments.current(session, klass)
    if not 1 <= weeks <= MAX_WEEKS:
        raise NotAllowed(f"周数要在1到{MAX_WEEKS}之间。")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise NotAllowed(f"名额要在1到{MAX_CAPACITY}之间。")
    if new_term and term_start <= before.term_start:
        raise NotAllowed(f"新一期要在本期（{before.term_start:%Y-%m-%d}）之后开始。")
    if not new_term and capacity < (taken := enrollments.enrolled_count(session, before)):
        raise NotAllowed(f"已经有{taken}人报上了，名额不能少于{taken}。可以先在名单里取消一些人。")
    after_term = term_start.isoformat()
    if after_term != before.term and session.scalars(select(Enrollment.id).where(
            Enrollment.class_id == klass.id, Enrollment.term == after_term).limit(1)).first() is not None:
        raise NotAllowed(f"{after_term}开始的那一期已经有报名记录，请换一个日期。")
    if not new_term and after_term != before.term:
        session.execute(update(Enrollment).where(Enrollment.class_id == klass.id, Enrollment.term == before.term)
                        .values(term=after_term))
    row = session.get(ClassTerm, klass.id)
    if row is None:
        row = ClassTerm(class_id=klass.id)
        session.add(row)
    name = who.name if isinstance(who, StaffAccount) else who
    row.term_start, row.weeks, row.capacity, row.updated_by, row.updated_at = term_start, weeks, capacity, name, now
    session.flush()
    after = enrollments.current(session, klass)
    audit.record(session, who=who, action="class.term", now=now, target=f"class:{klass.id}", ip=ip,
                 detail=f"{describe(before)} → {describe(after)}" + ("（新一期）" if new_term else ""))
    return TermChange(before, after, enrollments.fill_seats(session, services, after),
                      _cancel_lost_sessions(session, after, calendar))


def _cancel_lost_sessions(session: Session, klass: ClassInfo, calendar: Calendar) -> int:
    times = calendar.classes.get(klass.id)
    if times is None:
        return 0
    times = enrollments.current_times(session, times)
    last = klass.term_start + timedelta(weeks=klass.weeks)
    kept = {keys.class_session(klass.id, day) for day in attendance.session_days(times, last)}
    lost = [reminder for reminder in session.scalars(select(Reminder).where(
        Reminder.key.startswith(keys.class_session_prefix(klass.id), autoescape=True),
        Reminder.status == ReminderStatus.PENDING)) if reminder.key not in kept]
    for reminder in lost:
        reminder.status = ReminderStatus.CANCELLED
    return len(lost)
