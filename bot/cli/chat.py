"""`community-bot chat`: the simulator in a terminal; each line is signed and posted to the real webhook."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.command(help="在终端里和小助手说话（经过真正的 /wechat）。")
@click.option("--openid", default="dev-terminal", show_default=True, help="扮演的居民")
@with_appcontext
def chat(openid: str) -> None:
    from bot.wechat.simulator import deliver, wechat_side

    side = wechat_side()
    click.echo("输入消息回车发送；/关注 /位置 /图片 /菜单键 KEY；Ctrl-D 退出。")
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        if text == "/关注":
            signed = side.event(openid, "subscribe")
        elif text == "/位置":
            signed = side.location(openid, 32.6441, 105.8163, "羊木镇老街")
        elif text == "/图片":
            signed = side.image(openid)
        elif text.startswith("/菜单键 "):
            signed = side.event(openid, "CLICK", text.split(" ", 1)[1])
        else:
            signed = side.text(openid, text)
        reply = deliver(side, signed)
        click.echo(f"小助手> {reply['text'] or '（没有回复）'}\n")


COMMANDS = (chat,)
