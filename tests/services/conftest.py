"""Resident services run on a fixed Friday morning, so 明天/下周二 and the offered slots are stable."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import command

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def rows(app, model, *where) -> list[Any]:
    with app.extensions["community"].db.transaction() as session:
        return list(session.scalars(select(model).where(*where).order_by(*model.__table__.primary_key.columns)))


@pytest.fixture
def staff(app):
    """Runs `community-bot …` against the test app and returns what it printed."""

    def run(*argv: str) -> str:
        result = command(app, *argv)
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


@pytest.fixture
def session(app) -> Iterator[Any]:
    """One transaction on the test app's database, for calling the services directly (no webhook)."""
    with app.extensions["community"].db.transaction() as session:
        yield session


@pytest.fixture
def data(app) -> Any:
    """What staff keep in faq/, as the services receive it."""
    return app.extensions["community"].library.current()


def resident_row(session, openid: str) -> Any:
    from bot.models import User

    user = User(openid=openid, subscribed=True, created_at=NOW)
    session.add(user)
    session.flush()
    return user


def every_table_as_text(app) -> str:
    """Every row of every table the models declare (tables added later included), as one string to search."""
    from bot.models import Base

    with app.extensions["community"].db.transaction() as session:
        return "\n".join(f"{table.name}: {row!r}" for table in Base.metadata.sorted_tables
                         for row in session.execute(table.select()))
