"""`community-bot menu push`: the WeChat menu comes from faq/menu.yaml, never from the back office."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.cli.common import CommandError, community

menu = AppGroup("menu", help="公众号菜单。")


@menu.command(help="按 faq/menu.yaml 创建公众号菜单。")
def push() -> None:
    from bot.outbound.client import ApiError, make_api

    assistant = community()
    payload = assistant.library.current().catalog.menu_payload()
    try:
        make_api(assistant.settings, assistant.db).create_menu(payload)
    except ApiError as error:
        raise CommandError(f"微信返回错误：{error}") from None
    click.echo(f"菜单已推送：{len(payload['button'])}个按钮。")


COMMANDS = (menu,)
