"""Class sign-ups: a seat while places last, then a waiting list promoted in order, the promoted told."""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import texts
from bot.content.calendar import ClassTimes
from bot.content.services import ClassInfo, Services
from bot.knowledge.chinese import mask_name
from bot.models import ClassTerm, Enrollment, EnrollmentStatus, User
from bot.services import keys, outbox
from bot.services.errors import NotAllowed
from bot.services.records import free_seat, save_racing

log = logging.getLogger(__name__)
ACTIVE = (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITING)


class AlreadyEnrolled(NotAllowed):
    """One place (or one waiting-list line) per resident and term."""

    def __init__(self, enrollment: Enrollment) -> None:
        super().__init__(enrollment.class_id)
        self.enrollment = enrollment


def current(session: Session, klass: ClassInfo) -> ClassInfo:
    """The term staff set in the console, else faq/classes.yaml's; applying it twice changes nothing."""
    edit = session.get(ClassTerm, klass.id)
    if edit is None:
        return klass
    return klass.model_copy(update={"term_start": edit.term_start, "weeks": edit.weeks, "capacity": edit.capacity})


def current_times(session: Session, times: ClassTimes) -> ClassTimes:
    """A class's meeting times within the term as it stands now (see `current`)."""
    info = current(session, times.info)
    return times if info is times.info else dataclasses.replace(times, info=info)


def enrolled_count(session: Session, klass: ClassInfo) -> int:
    """Seats held this term; waiting-list lines do not count."""
    klass = current(session, klass)
    return session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.class_id == klass.id, Enrollment.term == klass.term,
        Enrollment.status == EnrollmentStatus.ENROLLED))


def is_full(session: Session, klass: ClassInfo) -> bool:
    """Asked before the contact questions, so the resident agrees to wait first."""
    return enrolled_count(session, klass) >= current(session, klass).capacity


def waiting_position(session: Session, enrollment: Enrollment) -> int:
    """1 for the next to be promoted."""
    return session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.class_id == enrollment.class_id, Enrollment.term == enrollment.term,
        Enrollment.status == EnrollmentStatus.WAITING, Enrollment.id <= enrollment.id))


def existing(session: Session, user_id: int, klass: ClassInfo, participant: str | None = None) -> Enrollment | None:
    """The place or waiting line in this term of the class of the resident, or of whom they signed up."""
    klass = current(session, klass)
    return session.scalars(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.class_id == klass.id, Enrollment.term == klass.term,
        Enrollment.participant.is_(None) if participant is None else Enrollment.participant == participant,
        Enrollment.status.in_(ACTIVE))).first()


def mine(session: Session, user_id: int, services: Services) -> list[Enrollment]:
    """The resident's places and waiting lines in the classes' current terms, oldest first."""
    terms = {(c.id, current(session, c).term) for c in services.classes}
    rows = session.scalars(select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.status.in_(ACTIVE)).order_by(Enrollment.id))
    return [row for row in rows if (row.class_id, row.term) in terms]


def roster(session: Session, klass: ClassInfo) -> tuple[list[Enrollment], list[Enrollment]]:
    """Those holding a seat (by seat) and the waiting list (in order) of the current term."""
    klass = current(session, klass)
    rows = session.scalars(select(Enrollment).where(
        Enrollment.class_id == klass.id, Enrollment.term == klass.term, Enrollment.status.in_(ACTIVE),
    ).order_by(Enrollment.seat, Enrollment.id)).all()
    return ([r for r in rows if r.status == EnrollmentStatus.ENROLLED],
            [r for r in rows if r.status == EnrollmentStatus.WAITING])


def sign_up(session: Session, *, user: User, klass: ClassInfo, name: str, phone: str, age: int | None,
            now: datetime, participant: str | None = None) -> Enrollment:
    """A free seat, or the end of the waiting list when the class is full. Raises AlreadyEnrolled."""
    klass = current(session, klass)
    if (found := existing(session, user.id, klass, participant)) is not None:
        raise AlreadyEnrolled(found)
    enrollment = Enrollment(user_id=user.id, class_id=klass.id, term=klass.term, name=name, phone=phone, age=age,
                            participant=participant, status=EnrollmentStatus.ENROLLED, created_at=now)

    def attempt() -> bool:
        taken = set(session.scalars(select(Enrollment.seat).where(
            Enrollment.class_id == klass.id, Enrollment.term == klass.term,
            Enrollment.status == EnrollmentStatus.ENROLLED)))
        enrollment.seat = free_seat(taken, klass.capacity)
        if enrollment.seat is None:
            return False
        session.add(enrollment)
        return True

    if save_racing(session, attempt):
        log.info("class %s seat %s for %s", klass.id, enrollment.seat, mask_name(name))
        return enrollment
    enrollment.status = EnrollmentStatus.WAITING
    session.add(enrollment)
    session.flush()
    log.info("class %s waiting list for %s", klass.id, mask_name(name))
    return enrollment


def withdraw(session: Session, services: Services, enrollment: Enrollment) -> Enrollment | None:
    """A freed seat goes to the first on the waiting list, who is told by message; returns them."""
    seat, was_enrolled = enrollment.seat, enrollment.status == EnrollmentStatus.ENROLLED
    enrollment.status, enrollment.seat = EnrollmentStatus.CANCELLED, None
    session.flush()
    if not was_enrolled:
        return None
    return _promote_first(session, services, enrollment.class_id, enrollment.term, seat)


def fill_seats(session: Session, services: Services, klass: ClassInfo) -> list[Enrollment]:
    """After staff raised the capacity: the waiting list moves up, in order, into the new seats."""
    klass = current(session, klass)
    promoted = []
    while True:
        taken = set(session.scalars(select(Enrollment.seat).where(
            Enrollment.class_id == klass.id, Enrollment.term == klass.term,
            Enrollment.status == EnrollmentStatus.ENROLLED)))
        seat = free_seat(taken, klass.capacity)
        if seat is None or (first := _promote_first(session, services, klass.id, klass.term, seat)) is None:
            return promoted
        session.flush()
        promoted.append(first)


def _promote_first(session: Session, services: Services, class_id: str, term: str, seat: int | None
                   ) -> Enrollment | None:
    first = session.scalars(select(Enrollment).where(
        Enrollment.class_id == class_id, Enrollment.term == term,
        Enrollment.status == EnrollmentStatus.WAITING,
    ).order_by(Enrollment.id).limit(1).with_for_update(skip_locked=True)).first()
    if first is None:
        return None
    first.status, first.seat = EnrollmentStatus.ENROLLED, seat
    user = session.get(User, first.user_id) if first.user_id else None
    klass = services.klass(first.class_id)
    if user is not None and klass is not None:
        klass = current(session, klass)
        # 秧歌班（为孙子）: the message goes to the resident who signed the family member up
        whose = texts.FOR_PARTICIPANT.format(who=first.participant) if first.participant else ""
        outbox.enqueue(session, openid=user.openid, key=keys.class_promoted(first.id),
                       text=texts.CLASS_PROMOTED.format(klass=klass.name + whose, details=klass.details))
    log.info("class %s seat %s promoted from the waiting list: %s", class_id, seat, mask_name(first.name))
    return first
