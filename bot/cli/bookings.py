"""`community-bot bookings`: the window's booking list and look-up, exactly as the console's desk shows them."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from bot.cli.common import CommandError, community
from bot.knowledge.chinese import day_label
from bot.models import utcnow
from bot.services import bookings as booking_service
from bot.services.errors import NotFound

bookings = AppGroup("bookings", help="代办预约：某天的预约名单、按预约号查。")


@bookings.command("list", help="某天的预约，按上午、下午和座号排（默认今天）。")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="哪一天，如 2026-12-01")
def list_bookings(day: str | None) -> None:
    assistant = community()
    try:
        on = date.fromisoformat(day) if day else utcnow().astimezone(assistant.settings.tz).date()
    except ValueError:
        raise CommandError(f"日期不对：{day}（请写成 2026-12-01）") from None
    with assistant.db.transaction() as session:
        entries = booking_service.desk_day(session, assistant.library.current().services, on)
    if not entries:
        click.echo(f"{day_label(on)}没有预约。")
    for entry in entries:
        click.echo(entry.line)


@bookings.command(help="按预约号查一个预约（如 DB20261127-001）。")
@click.argument("number", metavar="预约号")
def show(number: str) -> None:
    assistant = community()
    with assistant.db.transaction() as session:
        try:
            entry = booking_service.desk_entry(session, assistant.library.current().services, number)
        except NotFound:
            raise CommandError(f"没有这个预约号：{number}") from None
    click.echo(entry.line)


COMMANDS = (bookings,)
