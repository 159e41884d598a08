"""`community-bot db`: the schema. `upgrade` is the only command besides the server that migrates."""
from __future__ import annotations

import tempfile

import click
from alembic import command
from flask.cli import AppGroup

from bot.cli.common import settings
from bot.db import Database, alembic_config

db = AppGroup("db", help="数据库结构：升级（开发者还可以写迁移）。")


def upgrade_database() -> None:
    """Brings the configured database to the newest schema (an empty one gets every table)."""
    database = Database(settings().DATABASE_URL)
    try:
        database.upgrade()
    finally:
        database.dispose()


@db.command(with_appcontext=False, help="把数据库升级到最新结构。")
def upgrade() -> None:
    upgrade_database()
    click.echo("数据库已是最新结构。")


@db.command(with_appcontext=False, help="Developers: write a migration from the models.")
@click.option("-m", "--message", default="schema change")
def revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Database(f"sqlite:///{folder}/revision.db")
        scratch.upgrade()
        with scratch.engine.begin() as connection:
            command.revision(alembic_config(connection), message=message, autogenerate=True)
        scratch.dispose()


COMMANDS = (db,)
