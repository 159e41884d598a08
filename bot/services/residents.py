"""A resident's contact details and their deletion (删除我的信息)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.content.services import Services
from bot.knowledge.chinese import mask_name, mask_phone
from bot.models import (
    Booking,
    BookingStatus,
    Case,
    Enrollment,
    EnrollmentStatus,
    HandoffRequest,
    MessageLog,
    PreRegistration,
    ProcessedMessage,
    Ticket,
    User,
    UserTag,
    utcnow,
)
from bot.services import bookings, enrollments, kindergarten, privacy

log = logging.getLogger(__name__)


def remember_contact(user: User, name: str, phone: str, now: datetime) -> None:
    """Submitting a form with the notice shown is the consent; the contact is offered again next time."""
    user.name, user.phone = name, phone
    user.consent_at = user.consent_at or now


def saved_contact(user: User) -> tuple[str, str] | None:
    """The name and phone a resident gave before, when both are kept."""
    return (user.name, user.phone) if user.name and user.phone else None


def has_personal_data(session: Session, user: User) -> bool:
    """Whether 删除我的信息 would remove anything."""
    return bool(user.name or user.phone) or any(
        session.scalars(select(model.id).where(model.user_id == user.id).limit(1)).first()
        for model in (Booking, Enrollment, Ticket, Case, PreRegistration)
    )


def forget(session: Session, user: User, services: Services) -> None:
    """Future bookings and sign-ups are cancelled; rows stay for staff's counts but point to nobody, and the
    name and phone are erased from every table, free text included."""
    given = privacy.contact_values(session, user)
    for row in session.scalars(select(Booking).where(Booking.user_id == user.id)).all():
        if row.status == BookingStatus.BOOKED:
            bookings.release(session, row)
        row.name = row.phone = row.user_id = None
    for row in session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)).all():
        if row.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITING):
            enrollments.withdraw(session, services, row)
        row.name = row.phone = row.age = row.user_id = None
    kindergarten.forget(session, user, utcnow())  # the child leaves the waiting list
    privacy.unlink_reports(session, user)
    for case in session.scalars(select(Case).where(Case.user_id == user.id)):
        case.name = case.phone = case.user_id = None  # the errand goes on; the desk sees its number and item
    for request in session.scalars(select(HandoffRequest).where(HandoffRequest.user_id == user.id)):
        request.text = ""
    session.execute(delete(MessageLog).where(MessageLog.user_id == user.id))  # what they typed, to anyone
    # Replies kept for WeChat's retries may quote the name or phone; the message being answered keeps its row.
    session.execute(delete(ProcessedMessage).where(ProcessedMessage.openid == user.openid,
                                                   ProcessedMessage.finished_at.is_not(None)))
    log.info("personal data deleted for user %s (%s, %s)", user.id, mask_name(user.name), mask_phone(user.phone))
    user.name = user.phone = user.consent_at = None
    privacy.scrub(session, given)


def set_tag(session: Session, user: User, tag: str, present: bool) -> None:
    """Adds or removes one audience tag; doing it twice changes nothing."""
    row = session.get(UserTag, (user.id, tag))
    if present and row is None:
        session.add(UserTag(user_id=user.id, tag=tag))
    elif not present and row is not None:
        session.delete(row)


SEARCH_LIMIT = 50


def search(session: Session, text: str, tag: str = "", limit: int = SEARCH_LIMIT) -> list[User]:
    """Staff find a resident by part of the name, the phone's last digits, or the openid; newest first."""
    query = select(User).order_by(User.id.desc()).limit(limit)
    word = text.strip()
    if word:
        conditions = [User.name.contains(word, autoescape=True), User.openid == word]
        if word.isdigit() and len(word) >= 3:
            conditions.append(User.phone.endswith(word, autoescape=True))
        query = query.where(or_(*conditions))
    if tag:
        query = query.where(User.id.in_(select(UserTag.user_id).where(UserTag.tag == tag)))
    return list(session.scalars(query))
