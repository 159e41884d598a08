"""One message, end to end after the transport: dedup, the resident's row, routing, one commit."""
from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import flag_modified

from bot.config import Settings
from bot.content import current, texts
from bot.content.library import Snapshot
from bot.content.store import ReloadingStore
from bot.conversation.context import Context
from bot.conversation.message import Article, Message, Reply
from bot.conversation.replies import paginate
from bot.conversation.router import Dispatcher
from bot.db import Database
from bot.models import Conversation, ProcessedMessage, SeenRequest, User, utcnow
from bot.services import handoffs

log = logging.getLogger(__name__)
RETRY_WAIT_SECONDS = 4
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
        with current.using(snapshot):
            return self._handle(message, snapshot)

    def _handle(self, message: Message, snapshot: Snapshot) -> Reply:
        key = dedup_key(message)
        try:
            self._prune()
            with self.db.transaction() as session:
                claimed = self._claim(session, key, message.openid)
                reply = self._process(session, message, snapshot)
                self._finish(claimed, reply)
            return reply
        except Duplicate:
            return self._first_reply(key)
        except OperationalError as error:
            if _lock_wait_timed_out(error):
                return Reply.nothing()  # the first run is still going: WeChat will show its reply
            failure: Exception = error
        except Exception as error:  # noqa: BLE001 — any bug still gets the apology; _apologise logs it
            failure = error
        return self._apologise(key, message, failure)

    def unavailable(self, message: Message, error: Exception) -> Reply:
        """The database failed before the message could be claimed: apologise without it."""
        log.error("message %s (%s) not processed: %s", dedup_key(message), message.kind, _short(error))
        return Reply.say(texts.APOLOGY)

    def _apologise(self, key: str, message: Message, failure: Exception) -> Reply:
        """The apology is stored under the key when the database allows, and made without it when not."""
        reply = Reply.say(texts.APOLOGY)
        try:
            with self.db.transaction() as session:
                self._finish(self._claim(session, key, message.openid), reply)
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
        try:
            with self.db.transaction() as session:
                session.add(SeenRequest(timestamp=timestamp, nonce=nonce, body_sha256=body_sha256))
            return True
        except IntegrityError:
            with self.db.transaction() as session:
                seen = session.get(SeenRequest, (timestamp, nonce))
                return seen is not None and seen.body_sha256 == body_sha256

    def _claim(self, session: Session, key: str, openid: str) -> ProcessedMessage:
        """The key is written first: a concurrent retry waits on it, at most RETRY_WAIT_SECONDS."""
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(text(f"SET LOCAL lock_timeout = '{RETRY_WAIT_SECONDS}s'"))
        row = ProcessedMessage(key=key, openid=openid)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Duplicate(key) from None
        if postgres:
            session.execute(text("SET LOCAL lock_timeout = DEFAULT"))  # the rest of the work may wait
        return row

    @staticmethod
    def _finish(row: ProcessedMessage, reply: Reply) -> None:
        row.reply, row.finished_at = encode_reply(reply), utcnow()

    def _first_reply(self, key: str) -> Reply:
        with self.db.transaction() as session:
            row = session.get(ProcessedMessage, key)
            return decode_reply(row.reply) if row is not None and row.reply else Reply.nothing()

    def _process(self, session: Session, message: Message, snapshot: Snapshot) -> Reply:
        now = utcnow()
        user = load_user(session, message.openid, now)
        if message.event not in ("unsubscribe", "templatesendjobfinish", "masssendjobfinish", "location", "view"):
            user.subscribed = True
            user.last_message_at = now
        conversation = user.conversation
        if conversation is None:
            conversation = Conversation(user=user, data={}, choices=[], updated_at=now)
            session.add(conversation)
        case, notices = handoffs.open_case_of(session, user.id), []
        if case is not None and handoffs.is_quiet(case, now, timedelta(minutes=self.settings.HANDOFF_QUIET_MINUTES)):
            handoffs.close(session, case, now, texts.INBOX_CLOSED_BY_CLOCK)
            case, notices = None, [texts.HANDOFF_ENDED_QUIET]
        ctx = Context(session, user, conversation, self.settings, snapshot, now, self.router.forms,
                      notices=notices, case=case)
        reply = self.router.dispatch(ctx, message)
        conversation.updated_at = now
        flag_modified(conversation, "data")  # handlers change the JSON in place
        if reply.kind == "text":
            text = "\n\n".join([*ctx.notices, reply.text])
            first, conversation.more = paginate(text, texts.MORE_HINT)
            reply = Reply.say(first, reply.source or _form_source(conversation))
        _log_exchange(ctx, message, reply)
        return reply

    def _prune(self) -> None:
        """Old dedup keys and replay stamps go once a minute; both outlive WeChat's retry window."""
        if time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = time.monotonic()
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            session.execute(delete(ProcessedMessage).where(ProcessedMessage.created_at < now - DEDUP_KEEP))
            session.execute(delete(SeenRequest).where(SeenRequest.created_at < now - SEEN_KEEP))


def _log_exchange(ctx: Context, message: Message, reply: Reply) -> None:
    """What the resident said and was told, so staff taking a 人工 case see the conversation."""
    said = _what_was_said(message)
    if said:
        handoffs.log(ctx.session, ctx.user.id, "in", said, ctx.now, case=ctx.case)
    if reply.kind == "text":
        handoffs.log(ctx.session, ctx.user.id, "out", reply.text, ctx.now, source=reply.source, case=ctx.case)


def _what_was_said(message: Message) -> str:
    if message.kind in ("text", "voice"):
        return message.text.strip()
    if message.kind == "image":
        return texts.LOG_IMAGE
    if message.kind == "location":
        return texts.LOG_LOCATION.format(label=message.label)
    return ""


def load_user(session: Session, openid: str, now: datetime) -> User:
    """Lock the resident's row (one message of theirs at a time), creating it on first contact."""
    locked = (select(User).where(User.openid == openid).options(joinedload(User.conversation))
              .with_for_update(of=User))
    user = session.scalars(locked).unique().one_or_none()
    if user is not None:
        return user
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(User).values(openid=openid, subscribed=True, created_at=now)
                    .on_conflict_do_nothing(index_elements=["openid"]))  # two first messages may race
    return session.scalars(locked).unique().one()


def _form_source(conversation: Conversation) -> str:
    """A reply that leaves a form open came from that form."""
    return f"form:{conversation.form}" if conversation.form else ""


def encode_reply(reply: Reply) -> str:
    return json.dumps(asdict(reply), ensure_ascii=False)


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
