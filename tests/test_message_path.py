"""The per-message path does its language work once, and outside the database's write lock."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, select, text

from bot.conversation.assistant import STATE, UPSERT_USER
from bot.db import Database, batch
from bot.knowledge.matcher import Index
from bot.knowledge.normalize import Normalizer
from bot.models import User, utcnow
from bot.wechat.simulate import WeChatSide
from tests.conftest import AES_KEY, BACKENDS, PG_SERVER, TOKEN, Resident


def test_a_question_is_normalised_and_matched_once_before_the_transaction(make_app, monkeypatch):
    """Safe mode, as in production: one transaction per message (plaintext adds its replay guard's)."""
    app = make_app(WECHAT_ENCODING_AES_KEY=AES_KEY)
    resident = Resident(app.test_client(), WeChatSide(TOKEN, AES_KEY, "wx-dev-app"), "o-once")
    resident.says("菜单")  # the resident exists; what follows is an ordinary question
    steps: list[str] = []
    normalize, match, transaction = Normalizer.__call__, Index.match, Database.transaction

    def counted_normalize(self, text):
        steps.append("normalize")
        return normalize(self, text)

    def counted_match(self, text):
        steps.append("match")
        return match(self, text)

    @contextmanager
    def counted_transaction(self):
        steps.append("transaction")
        with transaction(self) as session:
            yield session

    monkeypatch.setattr(Normalizer, "__call__", counted_normalize)
    monkeypatch.setattr(Index, "match", counted_match)
    monkeypatch.setattr(Database, "transaction", counted_transaction)
    assert "21" in resident.says("日间照料中心晚上几点关门")
    # Normalised inside the match, or not at all when the matcher has just seen the same text.
    assert steps in (["match", "normalize", "transaction"], ["match", "transaction"])


def test_a_forms_answer_is_not_run_through_the_faq_matcher(resident, monkeypatch):
    assert "哪一类" in resident.says("上报问题")
    assert "在哪里" in resident.says("1")
    matched: list[str] = []
    match = Index.match

    def counted_match(self, text):
        matched.append(text)
        return match(self, text)

    monkeypatch.setattr(Index, "match", counted_match)
    assert "什么情况" in resident.says("老街口")
    assert matched == []


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL not reachable")
@pytest.mark.parametrize("aes_key", ["", AES_KEY], ids=["plaintext", "safe"])
def test_after_the_database_dropped_its_connections_the_next_message_is_still_answered(make_app, aes_key):
    """No pre-ping per message: a pooled connection the server closed (a restart) is noticed by the
    message itself (or plaintext mode's replay guard), which runs again on a new connection."""
    app = make_app("postgresql", WECHAT_ENCODING_AES_KEY=aes_key)
    resident = Resident(app.test_client(), WeChatSide(TOKEN, aes_key, "wx-dev-app"), "o-restart")
    assert "回复1" in resident.says("菜单")
    db = app.extensions["community"].db
    with db.engine.connect() as connection:  # the pooled connection the next message will get
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    other = create_engine(PG_SERVER)
    with other.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    assert "21" in resident.says("日间照料中心晚上几点关门")


def test_the_paths_own_statements_read_values_as_sqlalchemy_does(make_app, backend, wechat):
    """The message path runs its statements on the driver's cursor: times stay aware UTC, JSON stays JSON."""
    app = make_app(backend)
    resident = Resident(app.test_client(), wechat, "o-types")
    resident.says("上报问题")
    assert "在哪里" in resident.says("1")  # a form open: its step, data and choices are stored
    with app.extensions["community"].db.transaction() as session:
        connection = session.connection()
        with batch(connection):
            user = UPSERT_USER[connection.dialect.name][False].run(connection, {"openid": "o-types", "now": utcnow()})
            state = STATE.run(connection, {"openid": "o-types"})
        ours = {"user": user.one(), "state": state.one()}
        theirs = {"user": connection.execute(select(User.__table__).where(User.openid == "o-types")).one()._asdict(),
                  "state": connection.execute(STATE.statement, {"openid": "o-types"}).one()._asdict()}
    assert ours == theirs
    assert ours["state"]["form"] == "report" and ours["state"]["updated_at"].utcoffset().total_seconds() == 0


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL not reachable")
def test_on_postgresql_a_question_takes_two_round_trips_begin_and_commit_included(make_app):
    """BEGIN travels with the opening statements and COMMIT with the closing ones (libpq's trace: the
    server says ReadyForQuery once per round trip)."""
    app = make_app("postgresql", WECHAT_ENCODING_AES_KEY=AES_KEY)
    resident = Resident(app.test_client(), WeChatSide(TOKEN, AES_KEY, "wx-dev-app"), "o-trips")
    resident.says("菜单")
    engine = app.extensions["community"].db.engine
    with tempfile.TemporaryFile("w+") as trace:
        def traced(dbapi_connection, _record, _proxy):
            dbapi_connection.pgconn.trace(trace.fileno())

        def untraced(dbapi_connection, _record):
            dbapi_connection.pgconn.untrace()

        event.listen(engine, "checkout", traced)
        event.listen(engine, "checkin", untraced)
        try:
            assert "21" in resident.says("日间照料中心晚上几点关门")
        finally:
            event.remove(engine, "checkout", traced)
            event.remove(engine, "checkin", untraced)
        trace.seek(0)
        sent = trace.read()
    round_trips = sent.split("ReadyForQuery")[:-1]
    assert len(round_trips) == 2, sent
    assert '"BEGIN"' in round_trips[0] and "INSERT INTO processed_messages" in round_trips[0]
    assert "UPDATE processed_messages" in round_trips[1] and '"COMMIT"' in round_trips[1]
