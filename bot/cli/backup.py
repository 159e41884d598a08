"""`community-bot backup` / `restore`: one file holds the whole database, taken safely while the server runs."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import CommandError, settings
from bot.db import Database, normalize_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
PG_TIMEOUT_SECONDS = 3600


@click.command(help="备份数据库到一个文件（服务运行时也可以备份）。")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path | None) -> None:
    url = make_url(normalize_url(settings().DATABASE_URL))
    file = file or Path(f"community-{datetime.now():%Y%m%d-%H%M%S}.{'db' if _is_sqlite(url) else 'dump'}")
    partial = file.with_name(file.name + ".partial")  # a crash never leaves a half file under the real name
    try:
        if _is_sqlite(url):
            _sqlite_copy(Path(url.database or ""), partial)
        else:
            _pg_run("pg_dump", url, ["--format=custom", f"--file={partial}"])
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"已备份到 {file}（{file.stat().st_size // 1024} KB）。")


@click.command(help="从备份文件恢复数据库（请先停止服务）。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="数据库里已有数据时也覆盖")
def restore(file: Path, force: bool) -> None:
    url = make_url(normalize_url(settings().DATABASE_URL))
    with file.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if not head.startswith(SQLITE_MAGIC if _is_sqlite(url) else PG_MAGIC):
        kind = "SQLite" if _is_sqlite(url) else "PostgreSQL"
        raise CommandError(f"{file} 不是 {kind} 数据库的备份文件（community-bot backup 生成的），没有恢复。")
    database = Database(url.render_as_string(hide_password=False))
    try:
        if _has_tables(database) and not force:
            raise CommandError("数据库里已经有数据，恢复会把它们全部覆盖，所以没有恢复。"
                               "确定要覆盖：先停止服务，再加 --force 重新运行。")
        database.dispose()  # restore works on the file or server directly, with no connection of ours open
        if _is_sqlite(url):
            _sqlite_copy(file, Path(url.database or ""))
        else:
            _pg_run("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                        "--single-transaction", "--exit-on-error", str(file)])
        click.echo(f"已从 {file} 恢复。")
        if not database.is_current():
            click.echo("恢复的数据库结构不是最新的：请运行 community-bot db upgrade。")
    finally:
        database.dispose()


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _has_tables(database: Database) -> bool:
    """Any table in the database (PostgreSQL: in the schema the URL uses) counts as data to protect."""
    try:
        with database.engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    except SQLAlchemyError as error:
        raise CommandError(f"连不上数据库，没有恢复：{error.orig or error}") from None


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the server writes."""
    if not source.is_file():
        raise CommandError(f"找不到数据库文件 {source}。")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as error:
        raise CommandError(f"复制数据库失败：{error}") from None


def _pg_run(tool: str, url: URL, extra: list[str]) -> None:
    """The client tools get the URL's parts; the password goes through PGPASSWORD, never the command line."""
    args = [tool, f"--dbname={url.database}"]
    args += [f"--host={url.host}"] if url.host else []
    args += [f"--port={url.port}"] if url.port else []
    args += [f"--username={url.username}"] if url.username else []
    schema = re.search(r"search_path=(\w+)", str(url.query.get("options", "")))
    args += [f"--schema={schema.group(1)}"] if schema else []  # a URL bound to one schema: that schema only
    env = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    try:
        result = subprocess.run(args + extra, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise CommandError(f"找不到 {tool}：请安装 PostgreSQL 客户端（apt install postgresql-client）。") from None
    if result.returncode != 0:
        raise CommandError(f"{tool} 失败，数据库没有改动：\n{result.stderr.strip()}")


COMMANDS = (backup, restore)
