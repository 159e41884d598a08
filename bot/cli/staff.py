"""`community-bot staff`: console accounts from the server (the first admin, or when the console is out of reach)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bot.cli.common import CommandError, community
from bot.models import StaffAccount, utcnow
from bot.services import accounts

staff = AppGroup("staff", help="工作人员账号：新建、列出、重置密码。")


@staff.command(help="新建账号；打印第一次登录用的密码（登录后必须修改）。")
@click.argument("name", metavar="姓名")
@click.option("--role", required=True, type=click.Choice([r.value for r in accounts.Role]),
              help="admin 管理员，staff 工作人员，grid 网格员，viewer 只看统计")
@click.option("--grid", "grids", type=int, multiple=True, help="网格员负责的网格，可写多次：--grid 3 --grid 4")
@click.option("--username", help="登录名（默认：姓名）")
def add(name: str, role: str, grids: tuple[int, ...], username: str | None) -> None:
    try:
        with community().db.transaction() as session:
            first = accounts.create(session, username=username or name, name=name, role=role, grids=grids,
                                    now=utcnow(), by="命令行")
    except accounts.AccountError as error:
        raise CommandError(str(error), code=2) from None
    click.echo(f"已建账号：{name}（{accounts.ROLE_NAMES[accounts.Role(role)]}），登录名 {username or name}，"
               f"初始密码 {first}（登录后必须修改）")


@staff.command("list", help="全部账号。")
def list_accounts() -> None:
    with community().db.transaction() as session:
        for account in session.scalars(select(StaffAccount).order_by(StaffAccount.id)):
            grids = f" 第{'、'.join(map(str, account.grids))}网格" if account.grids else ""
            state = "" if account.active else " 已停用"
            wechat = "已绑定微信" if account.openid else "未绑定微信"
            click.echo(f"{account.username}  {account.name}  {accounts.ROLE_NAMES[accounts.Role(account.role)]}"
                       f"{grids}  {wechat}{state}")


@staff.command(help="给账号一个新的初始密码，并解除锁定。")
@click.argument("username", metavar="登录名")
def reset(username: str) -> None:
    with community().db.transaction() as session:
        account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
        if account is None:
            raise CommandError(f"没有登录名为 {username} 的账号")
        first = accounts.reset_password(session, account, by="命令行", now=utcnow())
    click.echo(f"{username} 的新初始密码：{first}（登录后必须修改）")


COMMANDS = (staff,)
