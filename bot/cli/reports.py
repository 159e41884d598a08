"""`community-bot reports`: staff work the problem reports; the resident is told each change."""
from __future__ import annotations

import getpass
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bot.cli.common import CommandError, community
from bot.handlers import report
from bot.models import Ticket, utcnow

reports = AppGroup("reports", help="居民反映的问题：列表、详情、转交、改状态。")
by_option = click.option("--by", default=getpass.getuser, help="谁做的改动（默认：登录名）")


def _find(session: Any, ref: str) -> Ticket:
    """A ticket by its number (WG20261127-001) or its row id."""
    ticket = session.scalars(select(Ticket).where(Ticket.number == ref.upper())).first()
    if ticket is None and ref.isdigit():
        ticket = session.get(Ticket, int(ref))
    if ticket is None:
        raise CommandError(f"没有这个问题反映：{ref}")
    return ticket


@reports.command("list", help="全部问题反映，新的在前。")
@click.option("--status", type=click.Choice(report.STATUSES), help="只看这个状态的")
def list_reports(status: str | None) -> None:
    tz = community().settings.tz
    with community().db.transaction() as session:
        query = select(Ticket).order_by(Ticket.id.desc())
        if status:
            query = query.where(Ticket.status == status)
        tickets = session.scalars(query).all()
        if not tickets:
            click.echo("还没有问题反映。")
        for t in tickets:
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
    if not worker.strip():
        raise CommandError("请写上接手人的名字。", code=2)
    with community().db.transaction() as session:
        found = _find(session, ticket)
        report.assign(found, worker.strip(), by, utcnow())
    click.echo(f"{found.number} 已转交给{worker.strip()}。")


@reports.command(help="改处理状态；居民会收到消息。")
@click.argument("ticket", metavar="编号")
@click.argument("status", metavar="状态", type=click.Choice(report.STATUSES[1:]))
@click.option("--note", default="", help="告诉居民的说明")
@by_option
def status(ticket: str, status: str, note: str, by: str) -> None:
    with community().db.transaction() as session:
        found = _find(session, ticket)
        report.change_status(session, found, status, note, by, utcnow())
    click.echo(f"{found.number}：{status}（已发消息告诉居民）")


COMMANDS = (reports,)
