"""The whole schema in one place; every datetime is timezone-aware UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """SQLite forgets time zones; store UTC and hand back aware datetimes on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# --- statuses: stored as these strings; compare and assign the members, never bare strings ---


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Arrival(StrEnum):
    """What the desk saw on the booked half-day; the booking's status stays as it was."""

    ARRIVED = "到了"
    NO_SHOW = "未到"


class CaseStatus(StrEnum):
    """A 代办 case's steps; residents and staff read these words, so the stored values are Chinese."""

    RECEIVED = "材料已收"
    IN_PROGRESS = "办理中"
    READY = "可领取"
    DONE = "已办结"
    RETURNED = "退回补材料"


class EnrollmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class PreRegistrationStatus(StrEnum):
    QUEUED = "queued"  # 排队中
    NOTIFIED = "notified"  # 已通知: staff told the parent to come and register
    ENTERED = "entered"  # 已入园
    CANCELLED = "cancelled"  # 已取消


class TicketStatus(StrEnum):
    """Residents and staff read these words, so the stored values are Chinese."""

    RECEIVED = "已受理"
    IN_PROGRESS = "处理中"
    DONE = "已办结"


class HandoffStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    DONE = "done"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    SHOWN = "shown"  # development: shown at /dev/outbox instead of sent
    SKIPPED = "skipped"
    FAILED = "failed"
    UNKNOWN = "unknown"  # interrupted mid-send: it may have arrived


class ReminderStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    MISSED = "missed"
    CANCELLED = "cancelled"


# --- residents and conversations -------------------------------------------------------


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    subscribed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    scene: Mapped[str | None] = mapped_column(String(64))
    last_message_at: Mapped[datetime | None]
    consent_at: Mapped[datetime | None]
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tags: Mapped[list[UserTag]] = relationship(cascade="all, delete-orphan")
    conversation: Mapped[Conversation | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )

    @property
    def tag_names(self) -> set[str]:
        return {t.tag for t in self.tags}


class UserTag(Base):
    __tablename__ = "user_tags"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)


class Conversation(Base):
    """One per resident: the open form, the step it is at, its slots, and the numbered choices shown last."""

    __tablename__ = "conversations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    form: Mapped[str | None] = mapped_column(String(64))  # None: no form open
    step: Mapped[str | None] = mapped_column(String(64))  # the slot asked, or "confirm"
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    choices: Mapped[list[Any]] = mapped_column(default=list)
    more: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="conversation")


# --- webhook bookkeeping ---------------------------------------------------------------


class ProcessedMessage(Base):
    """Dedup ledger: the key is written before processing, the reply after it."""

    __tablename__ = "processed_messages"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    openid: Mapped[str | None] = mapped_column(String(64), index=True)  # so 删除我的信息 reaches cached replies
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]


class SeenRequest(Base):
    """Plaintext-mode replay guard: a (timestamp, nonce) pair may only ever carry one body."""

    __tablename__ = "seen_requests"

    timestamp: Mapped[str] = mapped_column(String(16), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# --- questions and people --------------------------------------------------------------


class FaqGap(Base):
    """A question the FAQ could not answer outright, counted so staff know what to add."""

    __tablename__ = "faq_gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    normalized: Mapped[str] = mapped_column(String(255), unique=True)
    example: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # GapStatus
    entry_id: Mapped[str | None] = mapped_column(String(128))  # the entry it was added to or started
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column()


class HandoffRequest(Base):
    """A 人工 case: while open, the resident's messages go to staff, not to the bot."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))


class Attachment(Base):
    """An image or location a resident sent; kept so a form (a problem report) can use it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A photo or voice that became part of a report is fetched from WeChat into our own storage
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    path: Mapped[str | None] = mapped_column(String(255))  # relative to MEDIA_DIR
    content_type: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None]
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    fetch_error: Mapped[str | None] = mapped_column(Text)
    purged_at: Mapped[datetime | None]  # the file was deleted after the retention period


# --- services ----------------------------------------------------------------------------


class Booking(Base):
    """A half-day slot at the service centre; a seat number makes the last place race-free."""

    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("day", "period", "seat", name="uq_booking_seat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    service_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(8))
    seat: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default=BookingStatus.BOOKED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attendance: Mapped[str | None] = mapped_column(String(8))
    attendance_at: Mapped[datetime | None]
    # Whom the errand is for when a family member books it (母亲); None: the resident themself. The
    # resident (user_id, phone) stays the contact: reminders and 我的预约 go to them.
    participant: Mapped[str | None] = mapped_column(String(16))


class Ticket(Base):
    """A problem report routed to a grid worker (网格化服务管理)."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    grid: Mapped[str] = mapped_column(String(32))
    assignee: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    media_id: Mapped[str | None] = mapped_column(String(128))
    pic_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.RECEIVED)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    respond_by: Mapped[datetime | None]  # the category's limits in working hours, fixed when it arrived
    resolve_by: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    response_escalated_at: Mapped[datetime | None]
    resolve_escalated_at: Mapped[datetime | None]
    follow_up_at: Mapped[datetime | None]  # 回访 due: finished, but the resident was not satisfied
    follow_up_closed_at: Mapped[datetime | None]
    follow_up_note: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[TicketEvent]] = relationship(
        cascade="all, delete-orphan", order_by="TicketEvent.id", lazy="selectin"
    )


class TicketEvent(Base):
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)  # a staff note the resident never sees


class Enrollment(Base):
    """A class sign-up; enrolled rows hold a seat, waiting rows queue by id."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("class_id", "term", "seat", name="uq_enrollment_seat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    class_id: Mapped[str] = mapped_column(String(32))
    term: Mapped[str] = mapped_column(String(32))
    seat: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    age: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    participant: Mapped[str | None] = mapped_column(String(16))  # who takes part (孩子); None: the resident


# --- outbound ----------------------------------------------------------------------------


class Outbox(Base):
    """One outbound message per recipient, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    openid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    channel: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Reminder(Base):
    """A message due at a time; the unique key is the sent-ledger that prevents repeats."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("key", "openid", "fire_at", name="uq_reminder_once"),
        Index("ix_reminder_due", "status", "fire_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    openid: Mapped[str] = mapped_column(String(64))
    fire_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]


class Subscription(Base):
    __tablename__ = "subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=AnnouncementStatus.DRAFT)
    send_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeyValue(Base):
    """Small shared state across processes: the access token, the scheduler heartbeat."""

    __tablename__ = "key_values"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- staff console ---------------------------------------------------------------------


class StaffAccount(Base):
    """A person who signs in to the console; WeChat commands recognise them once `openid` is bound."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    grids: Mapped[list[Any]] = mapped_column(default=list)
    password_hash: Mapped[str] = mapped_column(String(256))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    bind_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    bind_code_expires: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Append-only: who did what to which record, when and from where. Never edited from the console."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    who: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class MessageLog(Base):
    """What a resident said and was told (kept for a set number of days), so staff see the context."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    direction: Mapped[str] = mapped_column(String(8))  # in: the resident; out: the assistant; staff: a person
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_requests.id"), index=True)
    staff_name: Mapped[str | None] = mapped_column(String(64))


class CannedReply(Base):
    """A reply staff keep for one-click use in the 人工 inbox."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- statistics ----------------------------------------------------------------------------


class DailyActivity(Base):
    """A day's conversation counts, written before that day's log is deleted, so past months still add up."""

    __tablename__ = "daily_activity"

    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the local day
    messages: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[int] = mapped_column(Integer, default=0)  # residents who wrote that day (人次)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    clarified: Mapped[int] = mapped_column(Integer, default=0)
    unknown: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- classes: staff edits of a term, attendance ----------------------------------------


class ClassTerm(Base):
    """Staff's edit of a class's term in the console; faq/classes.yaml stays the default without one."""

    __tablename__ = "class_terms"

    class_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    term_start: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(Base):
    """Whether one enrolled resident came to one session; absent rows are kept so a session is known marked."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("enrollment_id", "day", name="uq_attendance_once"),
                      Index("ix_attendance_session", "class_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    class_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    marked_by: Mapped[str] = mapped_column(String(64), default="")
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the 代办 desk -----------------------------------------------------------------------


class Case(Base):
    """A 代办 errand taken in at the window (from a booking or a walk-in), tracked until it is handed back."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), unique=True)
    service_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), index=True)
    received_on: Mapped[date | None] = mapped_column(Date)  # the last 材料已收: the promise counts from here
    due_on: Mapped[date | None] = mapped_column(Date)
    missing: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(
        cascade="all, delete-orphan", order_by="CaseEvent.id", lazy="selectin"
    )


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Closure(Base):
    """A local closure staff added in the console (a whole day, or one half-day), on top of faq/services.yaml."""

    __tablename__ = "closures"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)  # "" for the whole day, else am / pm
    reason: Mapped[str] = mapped_column(String(64), default="")
    by: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
class GapStatus(StrEnum):
    OPEN = "open"  # not reviewed yet
    PHRASING = "phrasing"  # added as a phrasing of an existing entry
    NEW_ENTRY = "new_entry"  # a new entry was started from it
    NOT_OURS = "not_ours"  # not the community's business: the don't-know answer is right
    NOISE = "noise"  # not a question at all


class FaqEdit(Base):
    """One version of an FAQ entry saved in the console: an overlay over faq/qa/*.yaml, by entry id.

    Append-only: the newest row of an entry is what residents get; older rows are its history.
    questions None means "as shipped in faq/qa" (the overlay of that entry is dropped)."""

    __tablename__ = "faq_edits"
    __table_args__ = (Index("ix_faq_edits_entry", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(128))
    questions: Mapped[list[Any] | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    who: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(Text, default="")  # what changed, in staff's words


# --- the kindergarten: places left, pre-registrations -------------------------------------


class KindergartenPlaces(Base):
    """Places left in one school year as staff last counted them; faq/kindergarten.yaml seeds a year without a row."""

    __tablename__ = "kindergarten_places"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # the autumn the school year starts
    places: Mapped[int] = mapped_column(Integer)
    counted_on: Mapped[date] = mapped_column(Date)  # the day residents are told it was updated
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PreRegistration(Base):
    """A child on the kindergarten's waiting list, queued by id within the autumn they can start."""

    __tablename__ = "kindergarten_registrations"
    __table_args__ = (Index("ix_kindergarten_registrations_queue", "start_year", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # the contact (parent)
    child: Mapped[str | None] = mapped_column(String(64))
    birth: Mapped[date | None] = mapped_column(Date)
    start_year: Mapped[int] = mapped_column(Integer)  # 2027: can start in September 2027
    name: Mapped[str | None] = mapped_column(String(64))  # the parent
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
