"""`community-bot announce`: queue an announcement for an audience, or see how one went."""
from __future__ import annotations

from datetime import datetime, tzinfo

import click
from flask.cli import AppGroup, with_appcontext

from bot.cli.common import CommandError, community
from bot.models import utcnow
from bot.services.errors import NotAllowed


@click.group(cls=AppGroup, invoke_without_command=True,
             help="发公告：--text 内容 --audience 对象 [--at 时间]；announce report 编号 看发送情况。")
@click.option("--text", help="公告内容")
@click.option("--audience", help="all | tag:标签 | class:班 | topic:订阅")
@click.option("--at", "at", help="本地时间，如 2026-11-30T09:00（默认：马上发）")
@click.option("--by", default="cli", show_default=True, help="作者，发送情况里显示")
@with_appcontext
@click.pass_context
def announce(ctx: click.Context, text: str | None, audience: str | None, at: str | None, by: str) -> None:
    from bot.services.announcements import announce as queue
    from bot.services.announcements import find_audience

    if ctx.invoked_subcommand:
        return
    if not text or not audience:
        raise CommandError("请给出 --text 和 --audience（或者：announce report 编号）", code=2)
    assistant = community()
    settings, calendar = assistant.settings, assistant.library.current().calendar
    send_at = _send_time(at, settings.tz) if at else None
    try:  # the same checks as 发布公告 in WeChat
        chosen = find_audience(calendar, audience)
        with assistant.db.transaction() as session:
            row, count = queue(session, calendar, settings, author=by, text=text, audience=chosen, now=utcnow(),
                               send_at=send_at)
    except NotAllowed as error:
        raise CommandError(str(error), code=2) from None
    when = f"{send_at.astimezone(settings.tz):%Y-%m-%d %H:%M}发出" if send_at else "马上发出"
    click.echo(f"公告{row.id}已排好：发给{chosen.label}，共{count}人，{when}。")


def _send_time(at: str, tz: tzinfo) -> datetime:
    """A local time as UTC; whether it is still ahead is the announcement service's check."""
    try:
        local = datetime.fromisoformat(at)
    except ValueError:
        raise CommandError(f"--at {at} 不是时间，请写成 2026-11-30T09:00", code=2) from None
    return (local if local.tzinfo else local.replace(tzinfo=tz)).astimezone(utcnow().tzinfo)


@announce.command(help="一条公告的发送情况：已发、失败、未发和原因。")
@click.argument("announcement_id", metavar="编号", type=int)
def report(announcement_id: int) -> None:
    from bot.services.announcements import report as describe

    assistant = community()
    with assistant.db.transaction() as session:
        text = describe(session, announcement_id, assistant.settings.tz)
    if not text:
        raise CommandError(f"没有编号为 {announcement_id} 的公告")
    click.echo(text)


@announce.command(help="对“不确定是否送达”的居民重发这条公告（可能有人会收到两次）。")
@click.argument("announcement_id", metavar="编号", type=int)
def resend(announcement_id: int) -> None:
    from bot.services.announcements import resend_uncertain

    with community().db.transaction() as session:
        count = resend_uncertain(session, announcement_id, utcnow())
    click.echo(f"公告{announcement_id}：{count}人重新排队发送。" if count else f"公告{announcement_id}没有不确定的人。")


COMMANDS = (announce,)
