"""`community-bot reports`: staff work the problem reports; the resident is told each change."""
from __future__ import annotations

import getpass
from typing import Any

import click
from flask.cli import AppGroup

from bot.cli.common import CommandError, community
from bot.models import Ticket, TicketStatus, utcnow
from bot.services import tickets
from bot.services.errors import NotFound, ServiceError

reports = AppGroup("reports", help="居民反映的问题：列表、详情、转交、改状态。")
by_option = click.option("--by", default=getpass.getuser, help="谁做的改动（默认：登录名）")


def _find(session: Any, ref: str) -> Ticket:
    try:
        return tickets.find(session, ref)
    except NotFound:
        raise CommandError(f"没有这个问题反映：{ref}") from None


@reports.command("list", help="全部问题反映，新的在前。")
@click.option("--status", type=click.Choice([s.value for s in TicketStatus]), help="只看这个状态的")
def list_reports(status: str | None) -> None:
    tz = community().settings.tz
    with community().db.transaction() as session:
        found = tickets.listing(session, status)
        if not found:
            click.echo("还没有问题反映。")
        for t in found:
            click.echo(f"{t.number}  {t.status}  {t.category}  {t.grid}  {t.assignee}  "
                       f"{t.created_at.astimezone(tz):%m-%d %H:%M}  {t.location}")


@reports.command(help="一条问题反映和它的处理经过。")
@click.argument("ticket", metavar="编号")
def show(ticket: str) -> None:
    tz = community().settings.tz
    with community().db.transaction() as session:
        found = _find(session, ticket)
        click.echo(f"{found.number}  {found.category}  {found.status}  满意度：{found.satisfaction or '—'}")
        click.echo(f"网格：{found.grid}  负责：{found.assignee}")
        where = f"（{found.latitude}, {found.longitude}）" if found.latitude else ""
        click.echo(f"地点：{found.location}{where}")
        click.echo(f"情况：{found.description}")
        if found.pic_url or found.media_id:
            click.echo(f"照片：{found.pic_url or found.media_id}")
        for event in found.events:
            click.echo(f"  {event.at.astimezone(tz):%m-%d %H:%M}  {event.status}  {event.by}  {event.note}")


@reports.command(help="把问题反映转交给另一位工作人员。")
@click.argument("ticket", metavar="编号")
@click.argument("worker", metavar="接手人")
@by_option
def assign(ticket: str, worker: str, by: str) -> None:
    try:
        with community().db.transaction() as session:
            found = _find(session, ticket)
            tickets.assign(found, worker, by, utcnow())
    except ServiceError as error:
        raise CommandError(str(error), code=2) from None
    click.echo(f"{found.number} 已转交给{worker.strip()}。")


@reports.command(help="改处理状态；居民会收到消息。")
@click.argument("ticket", metavar="编号")
@click.argument("status", metavar="状态", type=click.Choice([s.value for s in TicketStatus][1:]))
@click.option("--note", default="", help="告诉居民的说明")
@by_option
def status(ticket: str, status: str, note: str, by: str) -> None:
    try:
        with community().db.transaction() as session:
            found = _find(session, ticket)
            tickets.change_status(session, found, status, note, by, utcnow())
    except ServiceError as error:  # refused before anything was written
        raise CommandError(str(error), code=2) from None
    click.echo(f"{found.number}：{status}（已发消息告诉居民）")


COMMANDS = (reports,)
