"""The old one-string conversation state ("booking.slot") is converted to the form and step columns."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from alembic import command
from alembic.config import Config as AlembicConfig

from bot.db import MIGRATIONS, Database
from tests.conftest import BACKENDS, TOKEN, Resident

NOV_2026 = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the child is 4: admitted
BEFORE = "676f718ec78c"  # the last revision with conversations.state
users = sa.table("users", sa.column("id", sa.Integer), sa.column("openid", sa.String),
                 sa.column("subscribed", sa.Boolean), sa.column("created_at", sa.DateTime))
old_conversations = sa.table(
    "conversations", sa.column("user_id", sa.Integer), sa.column("state", sa.String), sa.column("data", sa.JSON),
    sa.column("choices", sa.JSON), sa.column("updated_at", sa.DateTime))


def migrate(db: Database, revision: str, direction=command.upgrade) -> None:
    with db.engine.begin() as connection:
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        direction(config, revision)


def old_database(url: str) -> Database:
    """A database at the old schema with a booking at its time slot and a kindergarten check half done."""
    db = Database(url)
    migrate(db, BEFORE)
    now = datetime.now(UTC)
    with db.engine.begin() as connection:
        connection.execute(users.insert(), [
            {"id": 1, "openid": "o-booking", "subscribed": True, "created_at": now},
            {"id": 2, "openid": "o-checking", "subscribed": True, "created_at": now},
            {"id": 3, "openid": "o-idle", "subscribed": True, "created_at": now},
        ])
        connection.execute(old_conversations.insert(), [
            {"user_id": 1, "state": "booking.slot", "data": {"values": {"item": "居住证"}}, "choices": [],
             "updated_at": now},
            {"user_id": 2, "state": "eligibility_kindergarten.resident", "choices": [], "updated_at": now,
             "data": {"values": {"birth": {"date": "2022-03-01"}}, "asked": ["birth", "resident"], "fails": 0}},
            {"user_id": 3, "state": None, "data": {}, "choices": [], "updated_at": now},
        ])
    return db


def states(db: Database) -> dict[int, tuple]:
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT user_id, form, step FROM conversations ORDER BY user_id"))
        return {user_id: (form, step) for user_id, form, step in rows}


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_state_string_becomes_form_and_step_and_back(make_db_url, backend):
    db = old_database(make_db_url(backend))
    db.upgrade()
    assert states(db) == {1: ("booking", "slot"), 2: ("eligibility", "resident"), 3: (None, None)}
    migrate(db, BEFORE, command.downgrade)
    with db.engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT user_id, state FROM conversations")).all())
    assert rows == {1: "booking.slot", 2: None, 3: None}  # the old code had no home for the new check
    db.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_check_half_done_before_the_upgrade_goes_on_after_it(make_db_url, backend, wechat, tmp_path):
    from bot import create_app

    url = make_db_url(backend)
    with time_machine.travel(NOV_2026, tick=True):
        old_database(url).dispose()
        app = create_app({"APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "DATABASE_URL": url,
                          "INSTANCE_DIR": str(tmp_path / "instance")})
        try:
            assert "可以上社区幼儿园" in Resident(app.test_client(), wechat, "o-checking").says("1")
        finally:
            app.extensions["community"].db.dispose()
