"""One message, end to end after the transport: dedup, the resident's row, routing, one commit."""
from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, make_transient_to_detached

from bot.config import Settings
from bot.content import current, texts
from bot.content.library import Snapshot
from bot.content.store import ReloadingStore
from bot.conversation.context import Context
from bot.conversation.message import Article, Message, Reply
from bot.conversation.replies import paginate
from bot.conversation.router import Dispatcher
from bot.conversation.words import looks_like_question
from bot.db import Database, DriverStatement, batch
from bot.knowledge import Knowledge, Match
from bot.knowledge.matcher import MAX_QUESTION_CHARS
from bot.models import (
    Conversation,
    HandoffRequest,
    HandoffStatus,
    MessageLog,
    ProcessedMessage,
    SeenRequest,
    User,
    utcnow,
)
from bot.services import handoffs

log = logging.getLogger(__name__)
T = TypeVar("T")
DEDUP_KEEP = timedelta(days=1)
SEEN_KEEP = timedelta(minutes=15)
PRUNE_EVERY_SECONDS = 60.0


def dedup_key(message: Message) -> str:
    """MsgId for messages; sender + time + event + key for events (LOCATION events collide otherwise)."""
    if message.kind != "event" and message.msg_id:
        return f"msg:{message.msg_id}"
    stamp = int(message.created_at.timestamp())
    return f"evt:{message.openid}:{stamp}:{message.event}:{message.key}"[:160]


class Duplicate(Exception):
    """The dedup key is already stored: this delivery is WeChat's retry of a message we have."""


# The message path's statements, built and compiled once, run on the driver's cursor (no ORM unit of
# work, no SQLAlchemy execution per statement). They need no answer from one another, so on PostgreSQL
# the opening three travel in one round trip with the BEGIN, and the closing three with the COMMIT.
USERS, CONVERSATIONS, CASES = User.__table__, Conversation.__table__, HandoffRequest.__table__
USER_MANAGER = User.__mapper__.class_manager
CLAIM = DriverStatement(insert(ProcessedMessage.__table__), keys=("key", "openid", "created_at"))
FINISH = DriverStatement(update(ProcessedMessage.__table__).where(ProcessedMessage.key == bindparam("claimed"))
                         .values(reply=bindparam("reply"), finished_at=bindparam("finished_at")))
# Read by openid, not by the id the upsert returns, so it can follow the upsert without waiting for it; as
# a statement of its own it reads what the resident's previous message (whose row lock the upsert
# waited for) committed.
STATE = DriverStatement(
    select(CONVERSATIONS, select(CASES.c.id).where(CASES.c.user_id == USERS.c.id, CASES.c.status == HandoffStatus.OPEN)
           .limit(1).scalar_subquery().label("open_case"))
    .select_from(USERS.outerjoin(CONVERSATIONS)).where(USERS.c.openid == bindparam("openid")))
LOG = DriverStatement(insert(MessageLog.__table__),
                      keys=("user_id", "at", "direction", "text", "source", "case_id", "staff_name"), many=True)
# Receipts and silent events are no contact from the resident: they change neither field.
NOT_CONTACT = ("unsubscribe", "templatesendjobfinish", "masssendjobfinish", "location", "view")


def _upserts(dialect: Any) -> dict[bool, Any]:
    """The resident's row locked (one message of theirs at a time) and returned, created on first
    contact, in one statement; True: the message counts as contact (subscribed, last message now)."""
    statements = {}
    for contact in (True, False):
        values = dict(openid=bindparam("openid"), subscribed=True, created_at=bindparam("now"))
        if contact:
            values["last_message_at"] = bindparam("now")
        upsert = dialect.insert(USERS).values(values)
        changes = ({"subscribed": True, "last_message_at": upsert.excluded.last_message_at} if contact
                   else {"openid": upsert.excluded.openid})  # no change, but the row is locked all the same
        statements[contact] = DriverStatement(upsert.on_conflict_do_update(
            index_elements=[USERS.c.openid], set_=changes).returning(*USERS.c))
    return statements


UPSERT_USER = {"postgresql": _upserts(postgresql), "sqlite": _upserts(sqlite)}


def _conversation_upserts(dialect: Any) -> DriverStatement:
    upsert = dialect.insert(CONVERSATIONS)
    return DriverStatement(upsert.on_conflict_do_update(
        index_elements=[CONVERSATIONS.c.user_id],
        set_={column.name: upsert.excluded[column.name] for column in CONVERSATIONS.c if column.name != "user_id"}),
        keys=tuple(CONVERSATIONS.c.keys()))


SAVE_CONVERSATION = {"postgresql": _conversation_upserts(postgresql), "sqlite": _conversation_upserts(sqlite)}


class PreparedKnowledge:
    """The snapshot's knowledge, remembering this message's FAQ match and normalisation so each runs once.

    A question is matched before the transaction, so the matcher's milliseconds are spent outside the
    write lock; other texts (a digit, a command, a form's answer) are matched only if a route asks.
    """

    def __init__(self, knowledge: Knowledge, text: str, *, match_now: bool) -> None:
        self._knowledge = knowledge
        self.lexicon = knowledge.lexicon  # read by every command-word check, a few dozen a message
        self._text = text
        self._normalized: str | None = None
        self._match: Match | None = knowledge.match(text) if match_now else None

    def match(self, text: str) -> Match:
        if text != self._text:
            return self._knowledge.match(text)
        if self._match is None:
            self._match = self._knowledge.match(text)
        return self._match

    def normalize(self, text: str) -> str:
        if text != self._text:
            return self._knowledge.normalize(text)
        if self._match is not None and len(text) <= MAX_QUESTION_CHARS:
            return self._match.normalized  # the matcher normalised exactly this text
        if self._normalized is None:
            self._normalized = self._knowledge.normalize(text)
        return self._normalized

    def __getattr__(self, name: str) -> Any:
        return getattr(self._knowledge, name)


class Assistant:
    def __init__(self, db: Database, settings: Settings, library: ReloadingStore[Snapshot],
                 router: Dispatcher) -> None:
        self.db = db
        self.settings = settings
        self.library = library
        self.router = router
        self._pruned = 0.0

    def handle(self, message: Message) -> Reply:
        """A retry of a message gets the first reply and never runs it a second time.

        The dedup key is the first write of the message's own transaction: a retry that comes
        while the first run is under way waits on that key's lock, then reads the stored reply.
        Anything else that fails is logged once and the resident gets the apology.
        """
        snapshot = self.library.current()  # one version of faq/ for the whole message
        if message.kind in ("text", "voice"):
            text = message.text.strip()
            knowledge = PreparedKnowledge(snapshot.knowledge, text, match_now=looks_like_question(text))
            snapshot = replace(snapshot, knowledge=knowledge)
        with current.using(snapshot):
            return self._handle(message, snapshot)

    def _handle(self, message: Message, snapshot: Snapshot) -> Reply:
        key = dedup_key(message)
        try:
            self._prune()
            return self._run(key, message, snapshot)
        except Duplicate:
            return self._first_reply(key)
        except OperationalError as error:
            if _lock_wait_timed_out(error):
                return Reply.nothing()  # the first run is still going: WeChat will show its reply
            failure: Exception = error
        except Exception as error:  # noqa: BLE001 — any bug still gets the apology; _apologise logs it
            failure = error
        return self._apologise(key, message, failure)

    def _run(self, key: str, message: Message, snapshot: Snapshot) -> Reply:
        def transact() -> Reply:
            with self.db.transaction() as session:
                connection = Database.deferred_begin(session)
                now = utcnow()
                with _claiming(key), batch(connection, begin=True):
                    CLAIM.run(connection, {"key": key, "openid": message.openid, "created_at": now})
                    user = UPSERT_USER[connection.dialect.name][message.event not in NOT_CONTACT].run(
                        connection, {"openid": message.openid, "now": now})
                    state = STATE.run(connection, {"openid": message.openid})
                user_row, state_row = user.one(), state.one()
                reply, conversation, log_rows = self._process(session, message, snapshot, now, user_row, state_row)
                session.flush()  # a handler's own changes, before the transaction's last batch
                with batch(connection, commit=True):
                    SAVE_CONVERSATION[connection.dialect.name].run(connection, vars(conversation))
                    if log_rows:
                        LOG.run_many(connection, log_rows)
                    _finish(connection, key, reply)
            return reply

        return _again_if_disconnected(transact)

    def unavailable(self, message: Message, error: Exception) -> Reply:
        """The database failed before the message could be claimed: apologise without it."""
        log.error("message %s (%s) not processed: %s", dedup_key(message), message.kind, _short(error))
        return Reply.say(texts.APOLOGY)

    def _apologise(self, key: str, message: Message, failure: Exception) -> Reply:
        """The apology is stored under the key when the database allows, and made without it when not."""
        reply = Reply.say(texts.APOLOGY)
        try:
            with self.db.transaction() as session:
                connection = Database.deferred_begin(session)
                with _claiming(key), batch(connection, begin=True, commit=True):
                    CLAIM.run(connection, {"key": key, "openid": message.openid, "created_at": utcnow()})
                    _finish(connection, key, reply)
        except Duplicate:
            return self._first_reply(key)
        except SQLAlchemyError:
            return self.unavailable(message, failure)
        if isinstance(failure, SQLAlchemyError):  # its text and traceback would carry the row's values
            log.error("message %s (%s) failed at %s: %s; the resident got the apology", key, message.kind,
                      _where(failure), _short(failure))
        else:
            log.error("message %s (%s) failed; the resident got the apology", key, message.kind, exc_info=failure)
        return reply

    def first_time_seen(self, timestamp: str, nonce: str, body_sha256: str) -> bool:
        """False when this (timestamp, nonce) already came with a different body: a replay."""
        def record() -> None:
            with self.db.transaction() as session:
                session.add(SeenRequest(timestamp=timestamp, nonce=nonce, body_sha256=body_sha256))

        try:
            _again_if_disconnected(record)
            return True
        except IntegrityError:
            with self.db.transaction() as session:
                seen = session.get(SeenRequest, (timestamp, nonce))
                return seen is not None and seen.body_sha256 == body_sha256

    def _first_reply(self, key: str) -> Reply:
        with self.db.transaction() as session:
            row = session.get(ProcessedMessage, key)
            return decode_reply(row.reply) if row is not None and row.reply else Reply.nothing()

    def _process(self, session: Session, message: Message, snapshot: Snapshot, now: datetime,
                 user_row: dict[str, Any], state: dict[str, Any]) -> tuple[Reply, ConversationState, list[dict]]:
        """The reply, the conversation to write back and the log rows (written in the closing batch)."""
        user = attach_user(session, user_row)
        conversation = _conversation(user.id, state, now)
        case, notices = (session.get(HandoffRequest, state["open_case"]) if state["open_case"] else None), []
        if case is not None and handoffs.is_quiet(case, now, timedelta(minutes=self.settings.HANDOFF_QUIET_MINUTES)):
            handoffs.close(session, case, now, texts.INBOX_CLOSED_BY_CLOCK)
            case, notices = None, [texts.HANDOFF_ENDED_QUIET]
        ctx = Context(session, user, conversation, self.settings, snapshot, now, self.router.forms,
                      notices=notices, case=case)
        reply = self.router.dispatch(ctx, message)
        conversation.updated_at = now
        if reply.kind == "text":
            text = "\n\n".join([*ctx.notices, reply.text])
            first, conversation.more = paginate(text, texts.MORE_HINT)
            reply = Reply.say(first, reply.source or _form_source(conversation))
        return reply, conversation, _log_exchange(ctx, message, reply)

    def _prune(self) -> None:
        """Old dedup keys and replay stamps go once a minute; both outlive WeChat's retry window."""
        if time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = time.monotonic()
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            session.execute(delete(ProcessedMessage).where(ProcessedMessage.created_at < now - DEDUP_KEEP))
            session.execute(delete(SeenRequest).where(SeenRequest.created_at < now - SEEN_KEEP))


@dataclass
class ConversationState:
    """The resident's conversations row as plain data (the handlers read and change its attributes as
    they would the ORM object's); written back with one statement at the end."""

    user_id: int
    form: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[Any] = field(default_factory=list)
    more: str | None = None
    updated_at: datetime | None = None


def _again_if_disconnected(work: Callable[[], T]) -> T:
    """There is no pre-ping per message: a pooled connection the server dropped (a restart) fails the
    first try, which committed nothing, so the work runs once more on a new connection."""
    try:
        return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return work()


def _conversation(user_id: int, state: dict[str, Any], now: datetime) -> ConversationState:
    if state["user_id"] is None:
        return ConversationState(user_id, updated_at=now)
    return ConversationState(user_id, state["form"], state["step"], state["data"] or {}, state["choices"] or [],
                             state["more"], state["updated_at"])


@contextmanager
def _claiming(key: str) -> Iterator[None]:
    """The key is written first: a concurrent retry waits on it (PostgreSQL: at most the connection's
    lock_timeout; SQLite: one writer at a time anyway). The batch's other statements cannot conflict."""
    try:
        yield
    except IntegrityError:
        raise Duplicate(key) from None


def _finish(connection: Connection, key: str, reply: Reply) -> None:
    FINISH.run(connection, {"claimed": key, "reply": encode_reply(reply), "finished_at": utcnow()})


def _log_exchange(ctx: Context, message: Message, reply: Reply) -> list[dict[str, Any]]:
    """What the resident said and was told, so staff taking a 人工 case see the conversation."""
    said = _what_was_said(message)
    case_id = ctx.case.id if ctx.case else None
    rows = [dict(direction="in", text=said, source="")] if said else []
    if reply.kind == "text":
        rows.append(dict(direction="out", text=reply.text, source=reply.source[:64]))
    if rows and ctx.case is not None:
        ctx.case.last_activity_at = ctx.now  # as handoffs.log does: a case the resident talks in is alive
    return [dict(row, user_id=ctx.user.id, at=ctx.now, case_id=case_id, staff_name=None) for row in rows]


def _what_was_said(message: Message) -> str:
    if message.kind in ("text", "voice"):
        return message.text.strip()
    if message.kind == "image":
        return texts.LOG_IMAGE
    if message.kind == "location":
        return texts.LOG_LOCATION.format(label=message.label)
    return ""


def attach_user(session: Session, row: dict[str, Any]) -> User:
    """The resident's row (locked and up to date) as an ORM object the handlers may change.

    Built as the ORM's loader builds a loaded row (its values put in place, no attribute events), half
    the cost of User(**row)."""
    user = USER_MANAGER.new_instance()
    user.__dict__.update(row)
    make_transient_to_detached(user)  # as if loaded: only what a handler changes is written
    session.add(user)
    return user


def _form_source(conversation: ConversationState) -> str:
    """A reply that leaves a form open came from that form."""
    return f"form:{conversation.form}" if conversation.form else ""


def encode_reply(reply: Reply) -> str:
    """As json.dumps(asdict(reply)) wrote it, without asdict's deep copy of every field."""
    article = asdict(reply.article) if reply.article is not None else None
    return json.dumps({"kind": reply.kind, "text": reply.text, "article": article, "source": reply.source,
                       "choices": reply.choices}, ensure_ascii=False)


def decode_reply(raw: str) -> Reply:
    data = json.loads(raw)
    article = Article(**data["article"]) if data.get("article") else None
    return Reply(kind=data["kind"], text=data["text"], article=article, source=data.get("source", ""))


def _lock_wait_timed_out(error: OperationalError) -> bool:
    """PostgreSQL's lock_timeout, or SQLite still busy: the first delivery holds the key."""
    return "lock timeout" in str(error) or "database is locked" in str(error)


def _short(error: Exception) -> str:
    """The error's class and first line: PostgreSQL's DETAIL line (the failing row) is left out."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


def _where(error: Exception) -> str:
    """The last line of our own code the error passed through, instead of a traceback."""
    ours = [frame for frame in traceback.extract_tb(error.__traceback__) if "/bot/" in frame.filename]
    frame = ours[-1] if ours else None
    return f"{frame.filename.rsplit('/bot/', 1)[-1]}:{frame.lineno} in {frame.name}" if frame else "?"
