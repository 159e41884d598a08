"""Storage behaviour on SQLite and PostgreSQL: migrations match the models, retries and races hold."""
from __future__ import annotations

import threading
import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bot.models import Base, Conversation, HandoffRequest, ProcessedMessage, User
from tests.conftest import Resident


def count(app, model) -> int:
    with app.extensions["community"].db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_empty_database_gets_every_table_from_the_migrations(make_app, backend):
    app = make_app(backend)
    with app.extensions["community"].db.engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert drift == [], "models changed without a migration: community-bot db revision -m '...'"


def test_restart_on_an_existing_database_keeps_data(make_app, make_db_url, wechat, tmp_path):
    url = make_db_url("sqlite")
    first = make_app(DATABASE_URL=url)
    Resident(first.test_client(), wechat, "o-keep").says("人工")
    second = make_app(DATABASE_URL=url)
    assert count(second, HandoffRequest) == 1


def test_three_deliveries_one_effect(make_app, backend, wechat):
    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-retry")
    signed = wechat.text("o-retry", "人工")
    replies = [resident.post(signed)["Content"] for _ in range(3)]
    assert len(set(replies)) == 1 and count(app, HandoffRequest) == 1 and count(app, ProcessedMessage) == 1


def test_concurrent_deliveries_of_one_message_run_once(make_app, backend, wechat):
    app = make_app(backend)
    signed = wechat.text("o-race", "人工")
    results: list[bytes] = []

    def deliver() -> None:
        results.append(app.test_client().post(signed.url, data=signed.body).data)

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    contents = {wechat.read_reply(body).get("Content") for body in results}
    assert count(app, HandoffRequest) == 1
    assert contents - {None} and len(contents - {None}) == 1


def test_a_residents_simultaneous_messages_do_not_lose_state(make_app, backend, wechat):
    """Two different messages at once from one new resident: one user row, one conversation."""
    app = make_app(backend)
    openid = "o-double"
    signed = [wechat.text(openid, "人工"), wechat.text(openid, "菜单")]
    barrier = threading.Barrier(2)

    def deliver(request) -> None:
        barrier.wait()
        assert app.test_client().post(request.url, data=request.body).status_code == 200

    threads = [threading.Thread(target=deliver, args=(r,)) for r in signed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count(app, User) == 1 and count(app, Conversation) == 1 and count(app, HandoffRequest) == 1
    with app.extensions["community"].db.transaction() as session:
        assert session.scalar(select(ProcessedMessage.reply).where(ProcessedMessage.reply.is_(None))) is None


def test_old_dedup_keys_are_pruned(make_app, backend, wechat):
    from datetime import timedelta

    app = make_app(backend)
    assistant = app.extensions["community"]
    Resident(app.test_client(), wechat, "o-prune").says("菜单")
    with assistant.db.transaction() as session:
        for row in session.scalars(select(ProcessedMessage)):
            row.created_at -= timedelta(days=2)
    assistant._pruned = time.monotonic() - 3600
    Resident(app.test_client(), wechat, "o-prune").says("帮助")
    assert count(app, ProcessedMessage) == 1


def test_workers_starting_together_migrate_once(make_db_url, backend, tmp_path):
    from bot.db import Database

    url = make_db_url(backend)
    errors: list[Exception] = []

    def start() -> None:
        try:
            Database(url).upgrade()
        except Exception as error:  # noqa: BLE001 — the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
