"""`community-bot status`: what staff need to know — is sending alive, what waits, what failed or was missed."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bot.cli.common import community
from bot.models import Outbox, OutboxStatus, Reminder, ReminderStatus

# Every status an outbox row can have, as staff read it, in the order a message goes through.
OUTBOX_WORDS = {"pending": "待发", "claimed": "正在发", "sending": "正在发", "sent": "已发", "failed": "失败",
                "unknown": "不确定是否送达", "skipped": "未发"}


@click.command(help="定时发送是否在运行、待发和发送失败的消息、错过的提醒。")
@with_appcontext
def status() -> None:
    from bot.outbound.readiness import template_warning
    from bot.outbound.scheduler import STALE_AFTER, heartbeat

    assistant = community()
    db, tz = assistant.db, assistant.settings.tz
    warning = template_warning(db, assistant.settings)
    if warning:
        click.secho(warning, fg="red", bold=True)
    age, who = heartbeat(db)
    where = f"{who.get('host')} 上的进程 {who.get('pid')}" if who else ""
    if age is None:
        click.echo("定时发送：从没启动过（请运行 community-bot scheduler）")
    elif age < STALE_AFTER.total_seconds():
        click.echo(f"定时发送：正常（{where}，{age:.0f}秒前）")
    else:
        click.echo(f"定时发送：已停止！最后一次在 {age / 60:.0f} 分钟前（{where}）")
    with db.transaction() as session:
        by_state = dict(session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        counts: dict[str, int] = {}
        for state, word in OUTBOX_WORDS.items():
            if by_state.get(state):
                counts[word] = counts.get(word, 0) + by_state[state]
        click.echo("消息：" + ("，".join(f"{word} {n}" for word, n in counts.items()) or "没有"))
        waiting = session.scalars(select(Outbox).where(Outbox.status == OutboxStatus.PENDING,
                                                       Outbox.reason.is_not(None))
                                  .order_by(Outbox.id.desc()).limit(5)).all()
        for row in waiting:
            click.echo(f"  待发  #{row.id} {row.openid}：{row.reason}")
        for row in session.scalars(select(Outbox).where(Outbox.status.in_((OutboxStatus.FAILED, OutboxStatus.UNKNOWN)))
                                   .order_by(Outbox.id.desc()).limit(10)):
            click.echo(f"  {OUTBOX_WORDS[row.status]}  #{row.id} {row.openid}：{row.reason}")
        missed = session.scalars(select(Reminder).where(Reminder.status == ReminderStatus.MISSED)
                                 .order_by(Reminder.fire_at.desc()).limit(20)).all()
        click.echo(f"错过的提醒：{len(missed)}" + ("（只列最近20条）" if len(missed) == 20 else ""))
        for reminder in missed:
            click.echo(f"  {reminder.fire_at.astimezone(tz):%Y-%m-%d %H:%M} {reminder.openid}：{reminder.text[:40]}")


COMMANDS = (status,)
