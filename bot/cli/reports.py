"""`community-bot reports`: staff work the problem reports; the resident is told each change."""
from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any

import click
from flask.cli import AppGroup

from bot.cli.common import CommandError, community
from bot.models import Ticket, TicketStatus, utcnow
from bot.services import tickets
from bot.services.errors import NotFound, ServiceError

reports = AppGroup("reports", help="居民反映的问题：列表、详情、转交、改状态、内部备注、回访。")
by_option = click.option("--by", default=getpass.getuser, help="谁做的改动（默认：登录名）")


def _find(session: Any, ref: str) -> Ticket:
    try:
        return tickets.find(session, ref)
    except NotFound:
        raise CommandError(f"没有这个问题反映：{ref}") from None


def _change(ref: str, change: Callable[[Any, Ticket], None]) -> Ticket:
    """One change to one report in one transaction; a refusal is one line and writes nothing."""
    try:
        with community().db.transaction() as session:
            found = _find(session, ref)
            change(session, found)
    except ServiceError as error:
        raise CommandError(str(error), code=2) from None
    return found


@reports.command("list", help="问题反映，超时的在前，其余新的在前。")
@click.option("--status", type=click.Choice(tickets.STATUS_CHOICES), help="只看这个状态的（未办结、待回访……）")
@click.option("--grid", default="", help="只看这个网格的（如 第1网格）")
@click.option("--category", default="", help="只看这一类（如 路灯/亮化）")
@click.option("--late", is_flag=True, help="只看超时的")
def list_reports(status: str | None, grid: str, category: str, late: bool) -> None:
    tz = community().settings.tz
    now = utcnow()
    with community().db.transaction() as session:
        found = tickets.queue(session, tickets.Filters(grid=grid, category=category, status=status or "",
                                                       late_only=late), now)
        if not found:
            click.echo("没有符合条件的问题反映。")
        for t in found:
            late_mark = tickets.lateness(t, now)
            click.echo(f"{t.number}  {t.status}  {t.category}  {t.grid}  {t.assignee}  "
                       f"{t.created_at.astimezone(tz):%m-%d %H:%M}  {t.location}"
                       + (f"  【{late_mark}】" if late_mark else ""))


@reports.command(help="一条问题反映和它的处理经过（含内部备注）。")
@click.argument("ticket", metavar="编号")
def show(ticket: str) -> None:
    tz = community().settings.tz
    with community().db.transaction() as session:
        found = _find(session, ticket)
        click.echo(f"{found.number}  {found.category}  {found.status}  满意度：{found.satisfaction or '—'}")
        click.echo(f"网格：{found.grid}  负责：{found.assignee}")
        for label, due in (("接手期限", found.respond_by), ("办结期限", found.resolve_by)):
            if due is not None:
                click.echo(f"{label}：{due.astimezone(tz):%m-%d %H:%M}")
        where = f"（{found.latitude}, {found.longitude}）" if found.latitude else ""
        click.echo(f"地点：{found.location}{where}")
        click.echo(f"情况：{found.description}")
        if found.pic_url or found.media_id:
            click.echo(f"照片：{found.pic_url or found.media_id}")
        for event in found.events:
            internal = "（内部）" if event.internal else ""
            click.echo(f"  {event.at.astimezone(tz):%m-%d %H:%M}  {event.status}  {event.by}  {internal}{event.note}")
        if found.follow_up_at is not None and found.follow_up_closed_at is None:
            click.echo("待回访：居民不满意，请联系居民后用 reports followup 记下结果。")


@reports.command(help="把问题反映转交给另一位工作人员（登录名、姓名，或写单位/人名）。")
@click.argument("ticket", metavar="编号")
@click.argument("worker", metavar="接手人")
@by_option
def assign(ticket: str, worker: str, by: str) -> None:
    link = tickets.page_link(community().settings.PUBLIC_URL)
    found = _change(ticket, lambda session, t: tickets.assign(session, t, worker, by, utcnow(), link))
    click.echo(f"{found.number} 已转交给{found.assignee}。")


@reports.command(help="改处理状态；居民会收到消息。")
@click.argument("ticket", metavar="编号")
@click.argument("status", metavar="状态", type=click.Choice([s.value for s in TicketStatus][1:]))
@click.option("--note", default="", help="告诉居民的说明")
@by_option
def status(ticket: str, status: str, note: str, by: str) -> None:
    found = _change(ticket, lambda session, t: tickets.change_status(session, t, status, note, by, utcnow()))
    click.echo(f"{found.number}：{status}（已发消息告诉居民）")


@reports.command(help="记一条内部备注（居民看不到）。")
@click.argument("ticket", metavar="编号")
@click.argument("note", metavar="备注")
@by_option
def note(ticket: str, note: str, by: str) -> None:
    found = _change(ticket, lambda session, t: tickets.add_note(t, note, by, utcnow()))
    click.echo(f"{found.number}：已记下内部备注。")


@reports.command(help="居民不满意后的回访：记下结果，回访任务完成。")
@click.argument("ticket", metavar="编号")
@click.argument("result", metavar="回访结果")
@by_option
def followup(ticket: str, result: str, by: str) -> None:
    found = _change(ticket, lambda session, t: tickets.close_follow_up(t, result, by, utcnow()))
    click.echo(f"{found.number}：回访已记下。")


COMMANDS = (reports,)
