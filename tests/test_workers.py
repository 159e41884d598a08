"""Workers forked from one preloaded app (gunicorn --preload) and the database they share."""
from __future__ import annotations

import gc
import os
import runpy
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from bot.db import LOCK_WAIT_SECONDS, Database
from bot.knowledge import semantic
from tests.conftest import BACKENDS, Resident


def backend_id(db: Database) -> str:
    """Which server connection (PostgreSQL) or SQLite handle a checkout gets."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return str(connection.execute(text("SELECT pg_backend_pid()")).scalar())
        return str(id(connection.connection.dbapi_connection))


def in_forked_child(work) -> str:
    """Runs `work` in a forked child, as gunicorn runs a worker, and returns what it reported."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child reports through the pipe and never returns
        try:
            report = work()
        except BaseException as error:  # noqa: BLE001 — any failure is the report
            report = repr(error)
        os.write(write, report.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return pipe.read()


def test_a_forked_worker_answers_on_connections_of_its_own(make_app, backend, wechat):
    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-fork")
    assert "回复1" in resident.says("菜单")  # the master has used its pool before the fork
    db = app.extensions["community"].db
    master = backend_id(db)

    def worker() -> str:
        inherited = db.engine.pool.checkedin()
        answer = resident.says("菜单")
        return f"inherited={inherited} own={backend_id(db) != master} answered={'回复1' in answer}"

    assert in_forked_child(worker) == "inherited=0 own=True answered=True"
    assert "回复1" in resident.says("菜单")  # the master's own connections were left alone


class SlowEmbedder:
    """Takes its time over the first batch, as the model takes ~13 s over a whole FAQ not cached yet."""

    name = "slow-test-embedder"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls == 1:
            time.sleep(0.5)
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def test_workers_forked_from_the_wsgi_app_start_with_the_faqs_vectors(monkeypatch, tmp_path):
    """A cold vector cache is embedded before gunicorn forks: a thread of the master's would fill only the
    master's copy, leaving every worker without the semantic channel and the master busy beside them."""
    monkeypatch.setitem(semantic._EMBEDDERS, "e5", SlowEmbedder())
    for name, value in {"APP_ENV": "testing", "EMBEDDINGS": "e5", "INSTANCE_DIR": str(tmp_path),
                        "DATABASE_URL": f"sqlite:///{tmp_path}/wsgi.db"}.items():
        monkeypatch.setenv(name, value)
    try:
        app = runpy.run_path(str(Path(__file__).resolve().parent.parent / "wsgi.py"))["app"]
    finally:
        gc.unfreeze()
    knowledge = app.extensions["community"].library.current().knowledge
    assert in_forked_child(lambda: f"ready={knowledge.semantic_ready(1)}") == "ready=True"


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL not reachable")
def test_lock_timeout_is_set_once_per_connection_keeping_the_urls_options(make_app):
    app = make_app("postgresql")
    with app.extensions["community"].db.engine.connect() as connection:
        assert connection.execute(text("SHOW lock_timeout")).scalar() == f"{LOCK_WAIT_SECONDS}s"
        assert connection.execute(text("SHOW search_path")).scalar().startswith("t_")  # the test's schema


def test_sqlite_writers_take_turns_instead_of_polling_the_busy_handler(make_db_url):
    url = make_db_url("sqlite")
    first, second = Database(url), Database(url)  # two workers' engines on one file
    first.upgrade()
    holding, second_began = threading.Event(), threading.Event()
    release = threading.Event()

    def hold() -> None:
        with first.transaction() as session:
            session.execute(text("INSERT INTO key_values (key, value, updated_at) "
                                 "VALUES ('turn', 'first', CURRENT_TIMESTAMP)"))
            holding.set()
            release.wait(5)

    def wait_turn() -> None:
        with second.transaction() as session:
            second_began.set()
            seen.append(session.execute(text("SELECT value FROM key_values WHERE key = 'turn'")).scalar())

    seen: list[str] = []
    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    waiter = threading.Thread(target=wait_turn)
    waiter.start()
    assert not second_began.wait(0.3)  # queued before BEGIN, not inside SQLite's busy handler
    release.set()
    holder.join()
    waiter.join()
    assert seen == ["first"]
    first.dispose()
    second.dispose()
