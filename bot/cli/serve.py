"""`community-bot serve`: the development server, with the simulator and the one scheduler inside it."""
from __future__ import annotations

import os

import click
from flask.cli import ScriptInfo

from bot.cli.common import CommandError
from bot.cli.db import upgrade_database


@click.command(help="开发用：运行服务和模拟器（正式环境用 gunicorn wsgi:app）。")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), help="默认 HOST 或 127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "8000")), help="默认 PORT 或 8000")
@click.option("--dev", is_flag=True, help="开发模式（正式环境以外本来就是）")
@click.pass_obj
def serve(info: ScriptInfo, host: str, port: int, dev: bool) -> None:
    from bot import seed_staff
    from bot.outbound import scheduler as runner
    from bot.services import accounts

    upgrade_database()  # the server migrates, as wsgi.py does; then the app as every command gets it
    app = info.load_app()
    assistant = app.extensions["community"]
    if assistant.settings.production:
        raise CommandError("正式环境请运行 gunicorn wsgi:app 和 community-bot scheduler", code=2)
    seed_staff(app)
    try:
        scheduler = runner.start(app)  # development runs the one scheduler inside the dev server
    except runner.SchedulerError as error:
        click.echo(f"没有启动定时发送：{error}", err=True)
        scheduler = None
    click.echo(f"小助手：http://{host}:{port}/wechat — 模拟器：http://{host}:{port}/dev/chat")
    with assistant.db.transaction() as session:
        demo = accounts.demo_login(session)
    if demo:
        click.echo(f"工作人员后台：http://{host}:{port}/console/ — 演示管理员 登录名 {demo[0]} 密码 {demo[1]}"
                   "（第一次登录要改密码）")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            runner.stop(scheduler)


COMMANDS = (serve,)
