"""Fixtures: an app per test on SQLite (and PostgreSQL when it answers), WeChat's side, residents."""
from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from bot import create_app
from bot.db import Database
from bot.services import accounts
from bot.wechat.simulate import SignedRequest, WeChatSide
from tests import browser as browsers

# Most tests match lexically (fast); tests/knowledge/test_semantic.py runs the semantic channel.
os.environ.setdefault("EMBEDDINGS", "off")

TOKEN = "testtoken123"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working morning for transcripts
PRODUCTION = {"APP_ENV": "production", "WECHAT_TOKEN": "StrongToken20240917", "SECRET_KEY": "c0nsole-S3ssion-k3y-2026",
              "WECHAT_APP_ID": "wx1234567890abcdef", "WECHAT_APP_SECRET": "0123456789abcdef0123456789abcdef"}


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            pass
        engine = create_engine(PG_SERVER)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except (OSError, SQLAlchemyError):
        return False


BACKENDS = ["sqlite"] + (["postgresql"] if postgres_available() else [])


@pytest.fixture
def make_db_url(tmp_path) -> Iterator[Any]:
    """A fresh database: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    schemas: list[str] = []

    def make(backend: str = "sqlite") -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'bot-{uuid.uuid4().hex[:6]}.db'}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        schemas.append(schema)
        return f"{PG_SERVER}?options=-csearch_path%3D{schema}"

    yield make
    if schemas:
        engine = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Staff passwords hashed with few rounds: the real scrypt costs 0.1 s per account made or signed in."""
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1000"))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> str:
    """A SQLite file at the newest migration, migrated once per test process: most of an app's start."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return str(path)


@pytest.fixture
def make_app(make_db_url, sqlite_schema, tmp_path) -> Iterator[Any]:
    apps = []

    def make(backend: str = "sqlite", **config: Any):
        url = make_db_url(backend)
        if backend == "sqlite":
            shutil.copyfile(sqlite_schema, url.removeprefix("sqlite:///"))  # the app finds it migrated
        settings = {
            "APP_ENV": "testing",
            "WECHAT_TOKEN": TOKEN,
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            **config,
        }
        app = create_app(settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["community"].db.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Parametrises a test over SQLite and (when reachable) PostgreSQL."""
    return request.param


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def wechat() -> WeChatSide:
    return WeChatSide(TOKEN)


class Resident:
    """One resident talking through the real webhook; `says` returns what the assistant answered."""

    def __init__(self, client: Any, side: WeChatSide, openid: str) -> None:
        self.client, self.side, self.openid = client, side, openid

    def post(self, signed: SignedRequest) -> dict[str, str]:
        response = self.client.post(signed.url, data=signed.body, content_type="text/xml")
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.side.read_reply(response.data)

    def says(self, text: str) -> str:
        return self.post(self.side.text(self.openid, text)).get("Content", "")

    def speaks(self, recognition: str | None) -> str:
        return self.post(self.side.voice(self.openid, recognition)).get("Content", "")

    def taps(self, key: str) -> str:
        return self.post(self.side.event(self.openid, "CLICK", key)).get("Content", "")

    def follows(self, scene: str = "") -> str:
        key = f"qrscene_{scene}" if scene else ""
        return self.post(self.side.event(self.openid, "subscribe", key)).get("Content", "")

    def sends_image(self) -> str:
        return self.post(self.side.image(self.openid)).get("Content", "")

    def sends_location(self, label: str = "羊木镇老街") -> str:
        return self.post(self.side.location(self.openid, 32.64, 105.81, label)).get("Content", "")

    def stored(self, model: Any) -> list[Any]:
        """Every row of ``model`` in this resident's database: what the conversation left behind."""
        with self.client.application.extensions["community"].db.transaction() as session:
            return list(session.scalars(select(model)))


@pytest.fixture
def friday_morning() -> Iterator[Any]:
    """The clock at ``FRIDAY`` (ticking), so transcripts see the same booking days every run."""
    with time_machine.travel(FRIDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def resident(client, wechat) -> Resident:
    return Resident(client, wechat, "o-resident-1")


def command(app: Any, *args: str) -> Any:
    """`community-bot ARGS` against this test app, through Flask's CLI runner; the click Result."""
    from bot.cli import cli

    return app.test_cli_runner().invoke(cli, list(args))


def converse(resident: Resident, transcript: list[tuple[str, str | list[str]]]) -> None:
    """A transcript: (what the resident says, what the answer must contain)."""
    for said, expected in transcript:
        answer = resident.says(said)
        for part in [expected] if isinstance(expected, str) else expected:
            assert part in answer, f"after {said!r} expected {part!r} in:\n{answer}"


def all_at_once(residents: list[Resident], text: str) -> list[str]:
    """Each resident sends `text` at the same instant (one thread each); their answers, in order."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    signed = [r.side.text(r.openid, text) for r in residents]
    barrier = threading.Barrier(len(residents))

    def send(pair: tuple[Resident, SignedRequest]) -> str:
        resident, request = pair
        barrier.wait()
        return resident.post(request).get("Content", "")

    with ThreadPoolExecutor(len(residents)) as pool:
        return list(pool.map(send, zip(residents, signed, strict=True)))


@pytest.fixture(scope="session")
def browser():
    yield from browsers.launch()


@pytest.fixture
def served(app):
    yield from browsers.serve(app)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One visible line when browser tests were skipped, and how to run them."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if browsers.SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} browser tests SKIPPED: apt-get install -y chromium "
                                    "fonts-noto-cjk to run them (CI=true makes them required)", yellow=True, bold=True)
