"""`community-bot tag`: audience tags of faq/audiences.yaml, and copying one to WeChat for mass sends."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bot.cli.common import CommandError, community
from bot.models import User, UserTag
from bot.services import residents

tag = AppGroup("tag", help="居民的对象标签（老人家属、流动人口家长、太极班……）。")


def _known(name: str) -> None:
    tags = community().library.current().calendar.tags
    if name not in tags:
        raise CommandError(f"faq/audiences.yaml 里没有标签 {name}；现有：{', '.join(tags)}", code=2)


def _set(openid: str, name: str, present: bool) -> None:
    """Adds or removes one resident's tag; doing it twice changes nothing."""
    _known(name)
    with community().db.transaction() as session:
        user = session.scalars(select(User).where(User.openid == openid)).first()
        if user is None:
            raise CommandError(f"没有这位居民：{openid}（要先给公众号发过消息）")
        residents.set_tag(session, user, name, present)


@tag.command(help="给居民加上标签。")
@click.argument("openid")
@click.argument("name", metavar="TAG")
def add(openid: str, name: str) -> None:
    _set(openid, name, present=True)
    click.echo(f"{openid} 已加上标签 {name}。")


@tag.command(help="去掉居民的标签。")
@click.argument("openid")
@click.argument("name", metavar="TAG")
def remove(openid: str, name: str) -> None:
    _set(openid, name, present=False)
    click.echo(f"{openid} 已去掉标签 {name}。")


@tag.command(help="把一个标签的居民同步到微信，发给这个标签的公告就能群发。")
@click.argument("name", metavar="TAG")
def sync(name: str) -> None:
    from bot.outbound.client import ApiError, make_api

    _known(name)
    assistant = community()
    tags = assistant.library.current().calendar.tags
    api = make_api(assistant.settings, assistant.db)
    try:
        tag_id = tags[name] or api.tags().get(name) or api.create_tag(name)
        with assistant.db.transaction() as session:
            openids = list(session.scalars(select(User.openid).join(UserTag, UserTag.user_id == User.id)
                                           .where(UserTag.tag == name)))
        api.tag_users(tag_id, openids)
    except ApiError as error:
        raise CommandError(f"微信返回错误：{error}") from None
    click.echo(f"{name}：{len(openids)}人已同步到微信标签 {tag_id}。")
    if tags[name] is None:
        click.echo(f"请在 faq/audiences.yaml 的 {name} 下面写上 `wechat_tag_id: {tag_id}`")


COMMANDS = (tag,)
