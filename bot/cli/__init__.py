"""The `community-bot` command: one click group; every command gets the app from the click context."""
from __future__ import annotations

import logging
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo

from bot.cli import (
    announce,
    backup,
    bookings,
    chat,
    classes,
    db,
    doctor,
    faq,
    menu,
    reports,
    scheduler,
    serve,
    staff,
    status,
    tags,
)
from bot.cli.common import CommandError
from bot.config import ConfigError

__all__ = ["cli", "main"]


def command_app() -> Flask:
    """Commands use the schema as it is: only the server and `db upgrade` migrate, so a behind database is refused."""
    from bot import create_app

    try:
        app = create_app(migrate=False)
    except ConfigError as error:
        raise CommandError(f"community-bot: {error}", code=2) from None
    database = app.extensions["community"].db
    if not database.is_current():
        database.dispose()
        raise CommandError("数据库还没有升级，请先运行 community-bot db upgrade")
    return app


class CommunityGroup(AppGroup):
    """Flask's AppGroup whose context carries the ScriptInfo that builds the app (a test passes its own)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        extra.setdefault("obj", ScriptInfo(create_app=command_app, set_debug_flag=False))
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=CommunityGroup, help="社区小助手：运行服务、检查数据、工作人员工具。")
def cli() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # staff see what a command did, not migration logs


for module in (serve, chat, db, backup, faq, reports, classes, announce, tags, staff, status, doctor, menu,
               scheduler, bookings):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """The `community-bot` entry point (also `python -m bot.cli`)."""
    cli.main(prog_name="community-bot")
