"""`community-bot scheduler`: the only process that runs APScheduler (reminders and sending)."""
from __future__ import annotations

import signal
import threading

import click
from flask.cli import ScriptInfo

from bot.cli.common import CommandError


@click.command(help="运行唯一的定时发送进程（提醒和消息）；Ctrl-C 停止。")
@click.pass_obj
def scheduler(info: ScriptInfo) -> None:
    from bot.outbound import scheduler as runner

    try:
        running = runner.start(info.load_app())
    except runner.SchedulerError as error:
        raise CommandError(f"定时发送启动不了：{error}") from None
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    click.echo("定时发送已启动；按 Ctrl-C 停止。")
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    runner.stop(running)


COMMANDS = (scheduler,)
