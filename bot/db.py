"""Engine, sessions and schema upgrades; one transaction per unit of work, never a commit per handler."""
from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Executable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# WeChat waits 5 s for an answer and then retries: a message waiting longer on a row lock answers nobody.
LOCK_WAIT_SECONDS = 5


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """Alembic runs on a connection we hand it, never from an alembic.ini."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def normalize_url(url: str) -> str:
    """psycopg 3 is the driver we ship; a plain postgresql:// URL means it."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = _make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = _writer_queue(self.url)
        os.register_at_fork(after_in_child=functools.partial(_after_fork, weakref.ref(self)))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit on success, roll back on any error: a unit of work is all or nothing."""
        with self._writers, self.sessions() as session, session.begin():
            yield session

    @staticmethod
    def deferred_begin(session: Session) -> Connection:
        """The session's connection for the message path. On PostgreSQL the driver is told not to send
        its own BEGIN (a round trip of its own): the path's first batch sends it with its statements
        (see `batch`); the session's commit or rollback still ends the transaction, and the pool
        restores the driver's setting when the connection goes back."""
        if session.get_bind().dialect.name != "postgresql":
            return session.connection()
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates every table on an empty database)."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several workers start at once; one migrates, the others wait (however long) and find it done.
                connection.execute(text("SET LOCAL lock_timeout = 0"))
                connection.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            command.upgrade(alembic_config(connection), "head")

    def is_current(self) -> bool:
        """Commands other than `db upgrade` work only on a schema at the newest migration."""
        newest = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == newest

    def reachable(self) -> bool:
        """One round trip, for the health check."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
        self._writers.close()

    def after_fork(self) -> None:
        """A forked worker (gunicorn --preload) must not use its parent's connections: it opens its own."""
        self.engine.dispose(close=False)
        self._writers.after_fork()


def _after_fork(database: weakref.ref[Database]) -> None:
    alive = database()
    if alive is not None:
        alive.after_fork()


def _make_engine(url: str) -> Engine:
    """hide_parameters: a failed statement's error must not print a resident's name or phone."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No pre-ping: a round trip per message; a connection found dead is retried by the caller.
        # lock_timeout is set once per connection, in the startup packet (no round trip at all).
        options = f"{parsed.query.get('options', '')} -c lock_timeout={LOCK_WAIT_SECONDS}s".strip()
        return create_engine(url, pool_size=10, max_overflow=10, hide_parameters=True,
                             connect_args={"options": options})  # the URL's own options (search_path) kept
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=15000")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; fsync at checkpoints
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    def _begin_immediate(dbapi_connection) -> None:  # type: ignore[no-untyped-def]
        # Take the write lock up front: two messages of one resident queue instead of racing. As the
        # dialect's own BEGIN, so SQLAlchemy wraps its errors, without an execution of its own per message.
        dbapi_connection.execute("BEGIN IMMEDIATE")

    engine.dialect.do_begin = _begin_immediate  # type: ignore[method-assign]  # this engine's dialect only
    return engine


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switching a new file to WAL ignores the busy timeout, so workers opening it together retry."""
    for _ in range(100):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            time.sleep(0.05)
    raise sqlite3.OperationalError("could not switch the SQLite database to WAL mode")


class _WriterQueue:
    """SQLite has one writer. Its busy handler sleeps 1, 2, 5 … 100 ms between tries, so under load a
    waiting worker keeps missing the lock while another takes it again at once (a tail of hundreds of ms).
    Here threads queue on a lock and processes on flock(2): each waiter wakes the moment the writer
    before it commits. The busy handler stays as the fallback for writers outside this queue."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: BinaryIO | None = None
        self._threads, self._turns = threading.Lock(), threading.local()

    def after_fork(self) -> None:
        """A forked child shares its parent's open file, and so its flock: it opens its own."""
        self.close()
        self._threads, self._turns = threading.Lock(), threading.local()

    def __enter__(self) -> None:
        depth = getattr(self._turns, "depth", 0)
        if depth == 0:
            self._threads.acquire()
            try:
                if self._file is None:
                    self._file = open(self._path, "ab")  # held for the process's life
                fcntl.flock(self._file, fcntl.LOCK_EX)
            except BaseException:
                self._threads.release()
                raise
        self._turns.depth = depth + 1

    def __exit__(self, *_exc: object) -> None:
        self._turns.depth -= 1
        if self._turns.depth == 0:
            fcntl.flock(self._file, fcntl.LOCK_UN)  # type: ignore[arg-type]
            self._threads.release()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _NoQueue:
    """PostgreSQL (and an in-memory SQLite) lock rows, not the database: nothing to queue for."""

    def after_fork(self) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


def _writer_queue(url: str) -> _WriterQueue | _NoQueue:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return _NoQueue()
    return _WriterQueue(Path(parsed.database + "-writers"))


# --- the message path's statements, on the driver's own cursor ----------------------------------

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # the parameters' order (SQLite's ?), or None: by name
    defaults: Mapping[str, Any]  # values written into the statement (a status compared with)
    binds: Mapping[str, Processor]
    columns: tuple[tuple[str, Processor], ...]

    def parameters(self, given: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {**self.defaults, **given}
        for name, process in self.binds.items():
            if process is not None:
                values[name] = process(values[name])
        if self.positional is None:
            return values
        return [values[name] for name in self.positional]

    def rows(self, cursor: Any) -> list[dict[str, Any]]:
        return [{name: (value if process is None else process(value))
                 for (name, process), value in zip(self.columns, row, strict=True)} for row in cursor.fetchall()]


class DriverStatement:
    """A Core statement compiled once per dialect and run on the driver's cursor.

    The message path runs the same few statements for every message, and SQLAlchemy's work per
    execution (cache key, execution context, result object) costs more than SQLite's own. Values are
    converted by the same type processors SQLAlchemy uses; run it inside `batch`, which turns the
    driver's errors into SQLAlchemy's."""

    def __init__(self, statement: Executable, *, keys: Sequence[str] | None = None, many: bool = False) -> None:
        """keys: the columns an INSERT without values sets; many: run with several rows at once (an
        INSERT then returns no ids it was not asked for)."""
        self.statement, self.keys, self.many = statement, keys, many
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.keys, for_executemany=self.many)
        binds = {name: bind for name, bind in compiled.binds.items()}
        columns = getattr(self.statement, "exported_columns", ())
        return _Compiled(
            sql=compiled.string,
            positional=tuple(compiled.positiontup) if compiled.positional else None,
            defaults={name: bind.effective_value for name, bind in binds.items() if not bind.required},
            binds={name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in binds.items()},
            columns=tuple((column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
                          for column in columns))

    def run(self, connection: Connection, parameters: Mapping[str, Any]) -> Pending:
        compiled = self.compiled(connection.dialect)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(compiled.sql, compiled.parameters(parameters))
        return Pending(compiled, cursor)

    def run_many(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        compiled = self.compiled(connection.dialect)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])


@dataclass
class Pending:
    """A statement's rows, read once its batch has been sent (in a PostgreSQL pipeline, after the batch)."""

    compiled: _Compiled
    cursor: Any

    def one(self) -> dict[str, Any]:
        rows = self.compiled.rows(self.cursor)
        if len(rows) != 1:
            raise LookupError(f"{len(rows)} rows where one was expected: {self.compiled.sql[:60]}")
        return rows[0]


@contextmanager
def batch(connection: Connection, *, begin: bool = False, commit: bool = False) -> Iterator[None]:
    """Statements that need no answer between them. On PostgreSQL they go in one round trip (psycopg's
    pipeline), with the BEGIN of a `deferred_begin` connection in front and its COMMIT behind when
    asked; SQLite runs them as they come (SQLAlchemy's events begin, its commit commits). Errors are
    SQLAlchemy's, and a connection found dead is invalidated, as if SQLAlchemy had run them."""
    driver = connection.connection.driver_connection
    try:
        if connection.dialect.name != "postgresql":
            yield
            return
        with driver.pipeline():  # type: ignore[union-attr]
            if begin:
                driver.execute("BEGIN")  # type: ignore[union-attr]
            yield
            if commit:  # as a statement: the pipeline's end is its only sync (commit() would add one)
                driver.execute("COMMIT")  # type: ignore[union-attr]
    except connection.dialect.loaded_dbapi.Error as error:
        dead = connection.dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
        if dead:
            connection.invalidate(error)
        raise DBAPIError.instance(None, None, error, connection.dialect.loaded_dbapi.Error, hide_parameters=True,
                                  connection_invalidated=dead, dialect=connection.dialect) from error
