"""backup / restore: what was backed up comes back; a database with data is not overwritten by accident."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.cli import cli
from bot.db import Database
from bot.models import User
from tests.conftest import PG_SERVER, TOKEN


def pg_dump_mismatch() -> str | None:
    """pg_dump refuses a server of a newer major version; say why the PostgreSQL case cannot run."""
    if shutil.which("pg_dump") is None:
        return "pg_dump is not installed (apt install postgresql-client)"
    client = re.search(r"(\d+)", subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout)
    engine = create_engine(PG_SERVER)
    with engine.connect() as connection:
        server = int(connection.scalar(text("SHOW server_version_num"))) // 10000
    engine.dispose()
    if client is None or int(client.group(1)) != server:
        return f"pg_dump {client.group(1) if client else '?'} does not match the PostgreSQL {server} server"
    return None


@pytest.fixture
def environment(make_db_url, tmp_path, backend):
    if backend == "postgresql" and (reason := pg_dump_mismatch()):
        pytest.skip(reason)
    env = {"APP_ENV": "testing", "WECHAT_TOKEN": TOKEN, "INSTANCE_DIR": str(tmp_path / "instance"),
           "DATABASE_URL": make_db_url(backend)}
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    return env


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def residents(env: dict[str, str]) -> dict[str, str | None]:
    database = Database(env["DATABASE_URL"])
    try:
        with database.transaction() as session:
            return {user.openid: user.name for user in session.scalars(select(User))}
    finally:
        database.dispose()


def change(env: dict[str, str], statement: str) -> None:
    database = Database(env["DATABASE_URL"])
    with database.engine.begin() as connection:
        connection.execute(text(statement))
    database.dispose()


def test_a_restore_brings_back_the_rows_of_the_backup(environment, tmp_path):
    change(environment, "INSERT INTO users (openid, subscribed, name, created_at) VALUES "
                        "('o-1', true, '王大爷', '2026-01-01'), ('o-2', true, '李阿姨', '2026-01-01')")
    file = tmp_path / "community.backup"
    backed_up = run(environment, "backup", str(file))
    assert backed_up.exit_code == 0 and f"已备份到 {file}" in backed_up.stdout
    change(environment, "DELETE FROM users WHERE openid = 'o-1'")
    change(environment, "UPDATE users SET name = '改错了' WHERE openid = 'o-2'")

    refused = run(environment, "restore", str(file))
    assert refused.exit_code == 1 and "已经有数据" in refused.stderr and "--force" in refused.stderr
    assert residents(environment) == {"o-2": "改错了"}

    restored = run(environment, "restore", "--force", str(file))
    assert restored.exit_code == 0, restored.output
    assert "已从" in restored.stdout and residents(environment) == {"o-1": "王大爷", "o-2": "李阿姨"}


def test_a_backup_restores_into_a_fresh_empty_database_without_force(environment, tmp_path, backend):
    change(environment, "INSERT INTO users (openid, subscribed, name, created_at) "
                        "VALUES ('o-1', true, '王大爷', '2026-01-01')")
    file = tmp_path / "community.backup"
    assert run(environment, "backup", str(file)).exit_code == 0
    fresh = {**environment, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    if backend == "postgresql":  # the dump holds its schema: an empty schema of that name is a fresh database
        schema = make_url(environment["DATABASE_URL"]).query["options"].split("=")[1]
        change(environment, f"DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema}")
        fresh = environment
    restored = run(fresh, "restore", str(file))
    assert restored.exit_code == 0, restored.output
    assert residents(fresh) == {"o-1": "王大爷"}


def test_the_default_backup_file_is_named_by_the_time_and_a_wrong_file_is_refused(environment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(environment, "backup").exit_code == 0
    [made] = list(Path(tmp_path).glob("community-*"))
    assert re.fullmatch(r"community-\d{8}-\d{6}\.(db|dump)", made.name)
    other = tmp_path / "notes.txt"
    other.write_text("不是备份", encoding="utf-8")
    refused = run(environment, "restore", "--force", str(other))
    assert refused.exit_code == 1 and "不是" in refused.stderr and "备份文件" in refused.stderr
