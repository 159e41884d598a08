"""Every outbox, reminder and flag key in one registry, so no module parses another's key format."""
from __future__ import annotations

from datetime import date


def booking_reminder(number: str) -> str:
    """The evening-before reminder of one booking."""
    return f"booking:{number}"


def event(event_id: str, day: date) -> str:
    """The reminders of one calendar event on one day."""
    return f"event:{event_id}:{day}"


def event_prefix(event_id: str) -> str:
    """Every day's reminders of one event (a key made by `event` starts with it)."""
    return f"event:{event_id}:"


def class_session(class_id: str, day: date) -> str:
    """The reminders of one class session."""
    return f"class:{class_id}:{day}"


def class_session_prefix(class_id: str) -> str:
    """Every session's reminders of one class (a key made by `class_session` starts with it)."""
    return f"class:{class_id}:"


def class_promoted(enrollment_id: int) -> str:
    """The notice that a waiting-list place became a seat."""
    return f"class:{enrollment_id}:promoted"


def rain_day(class_id: str) -> str:
    """The flag naming the session that meets at the rain place."""
    return f"rain:{class_id}"


def rain_notice(class_id: str, day: date, openid: str) -> str:
    """The notice to a resident already reminded that the session moved indoors."""
    return f"rain:{class_id}:{day}:{openid}"


def ticket_status(number: str, status: str) -> str:
    """The message telling the resident their report reached a status."""
    return f"ticket:{number}:{status}"


def announcement(announcement_id: int, openid: str) -> str:
    """One recipient's copy of an announcement."""
    return f"announcement:{announcement_id}:{openid}"


def mass_send(announcement_id: int) -> str:
    """WeChat's clientmsgid: a repeated mass send of the same announcement is refused by WeChat."""
    return f"announcement-{announcement_id}"


def reminder_delivery(reminder_id: int) -> str:
    """The outbox row a due reminder becomes."""
    return f"reminder:{reminder_id}"


def handoff_reply(case_id: int, entry_id: int) -> str:
    """A staff member's reply in a 人工 case."""
    return f"handoff:{case_id}:{entry_id}"


def handoff_ended(case_id: int) -> str:
    """The notice that a quiet case ended and the assistant answers again."""
    return f"handoff:{case_id}:ended"


def handoff_new(case_id: int, account_id: int) -> str:
    """A staff member's notice of a new case."""
    return f"handoff:{case_id}:new:{account_id}"


def handoff_late(case_id: int, account_id: int) -> str:
    """An admin's notice that a case waited too long."""
    return f"handoff:{case_id}:late:{account_id}"


def purpose(key: str) -> str:
    """What an outbox or reminder key was made for: the word every maker above writes first."""
    return key.split(":", 1)[0]


def ticket_new(number: str, account_id: int) -> str:
    """A grid worker's (or office member's) notice of a new report."""
    return f"ticket:{number}:new:{account_id}"


def ticket_assigned(number: str, account_id: int, step: int) -> str:
    """The notice to a worker that a report was handed to them (`step`: the timeline's length then)."""
    return f"ticket:{number}:assigned:{account_id}:{step}"


def ticket_late(number: str, clock: str, account_id: int) -> str:
    """An admin's notice that a report passed its response or resolution limit."""
    return f"ticket:{number}:late:{clock}:{account_id}"


def case_status(number: str, event_id: int) -> str:
    """The message telling the resident their 代办 case reached a step (a step may come twice)."""
    return f"case:{number}:{event_id}"


def desk_capacity() -> str:
    """The places per half-day staff set in the console, over faq/services.yaml's."""
    return "desk:per_half_day"


def kindergarten_notified(registration_id: int) -> str:
    """The message telling a parent on the waiting list that their child can come and register."""
    return f"kindergarten:{registration_id}:notified"
