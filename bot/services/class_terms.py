"""Staff change a class's term in the console: dates and capacity, checked, audited; the yaml stays the default."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.content.services import ClassInfo, Services
from bot.models import ClassTerm, Enrollment, StaffAccount
from bot.services import audit, enrollments
from bot.services.errors import NotAllowed

MAX_WEEKS, MAX_CAPACITY = 52, 500


@dataclass(frozen=True)
class TermChange:
    """The term before and after, and who moved up from the waiting list into new seats."""

    before: ClassInfo
    after: ClassInfo
    promoted: list[Enrollment]


def describe(klass: ClassInfo) -> str:
    """How staff read a term in the audit log and on the page."""
    return f"{klass.term_start:%Y-%m-%d}起{klass.weeks}周，{klass.capacity}个名额"


def change(session: Session, services: Services, klass: ClassInfo, *, term_start: date, weeks: int,
           capacity: int, new_term: bool, who: StaffAccount | str, now: datetime, ip: str = "") -> TermChange:
    """A correction keeps this term's sign-ups (moved to the new dates); `new_term` starts an empty one.

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
    return TermChange(before, after, enrollments.fill_seats(session, services, after))
