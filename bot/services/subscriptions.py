"""Which event reminders a resident gets: topics from faq/events.yaml, and the reminders each one covers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.content.calendar import Calendar, Topic
from bot.models import Reminder, ReminderStatus, Subscription, User
from bot.services import keys


def topics_of(session: Session, user: User) -> set[str]:
    """Topic ids the resident subscribed to (我的订阅)."""
    return set(session.scalars(select(Subscription.topic).where(Subscription.user_id == user.id)))


def subscribe(session: Session, user: User, topic: Topic, now: datetime) -> bool:
    """False when the resident already has this topic."""
    if session.get(Subscription, (user.id, topic.id)) is not None:
        return False
    session.add(Subscription(user_id=user.id, topic=topic.id, created_at=now))
    return True


def unsubscribe(session: Session, calendar: Calendar, user: User, topic: Topic) -> bool:
    """The topic and the reminders already planned for it stop, for this resident only; False if not subscribed."""
    row = session.get(Subscription, (user.id, topic.id))
    if row is None:
        return False
    session.delete(row)
    prefixes = reminder_key_prefixes(calendar, topic)
    if prefixes:
        for reminder in session.scalars(select(Reminder).where(
                Reminder.openid == user.openid, Reminder.status == ReminderStatus.PENDING,
                or_(*(Reminder.key.startswith(prefix, autoescape=True) for prefix in prefixes)))):
            reminder.status = ReminderStatus.CANCELLED
    return True


def reminder_key_prefixes(calendar: Calendar, topic: Topic) -> list[str]:
    """The reminder keys a subscription to this topic brings: one prefix per event of the topic."""
    return [keys.event_prefix(event.id) for event in calendar.events if event.topic == topic.id]
