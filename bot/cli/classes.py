"""`community-bot roster` and `rain`: a class's sign-up list, and its next session moving indoors."""
from __future__ import annotations

import csv
import sys

import click
from flask.cli import with_appcontext

from bot.cli.common import CommandError, community
from bot.models import utcnow
from bot.services import enrollments
from bot.services.errors import NotAllowed
from bot.services.reminders import flag_rain, plan_rain

ROSTER_FIELDS = ("序号", "状态", "姓名", "电话", "年龄", "报名时间")


@click.command(help="一个班的名单和候补名单（班：taiji、yangge）。")
@click.argument("klass", metavar="班")
@click.option("--csv", "as_csv", is_flag=True, help="CSV，可以用表格软件打开")
@with_appcontext
def roster(klass: str, as_csv: bool) -> None:
    found = community().library.current().services.klass(klass)
    if found is None:
        raise CommandError(f"没有这个班：{klass}")
    tz = community().settings.tz
    with community().db.transaction() as session:
        found = enrollments.current(session, found)
        enrolled, waiting = enrollments.roster(session, found)
        table = []
        for label, listed in (("已报名", enrolled), ("候补", waiting)):
            for i, row in enumerate(listed, 1):
                table.append((row.seat if listed is enrolled else f"候补{i}", label, row.name or "",
                              row.phone or "", row.age or "", f"{row.created_at.astimezone(tz):%Y-%m-%d %H:%M}"))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(ROSTER_FIELDS)
        writer.writerows(table)
        return
    click.echo(f"{found.name} {found.term}起 {found.schedule}：已报名 {len(enrolled)}/{found.capacity}，"
               f"候补 {len(waiting)}")
    for row in table:
        click.echo("  ".join(str(cell) for cell in row))


@click.command(help="下雨：这个班下一次课改到下雨的地点，已经提醒过的人会收到通知。先显示要改什么，确认后才改。")
@click.argument("class_id", metavar="班")
@click.option("--yes", is_flag=True, help="不再询问，直接改")
@with_appcontext
def rain(class_id: str, yes: bool) -> None:
    assistant = community()
    calendar = assistant.library.current().calendar
    try:
        with assistant.db.transaction() as session:
            plan = plan_rain(session, calendar, class_id, utcnow(), assistant.settings)
        if plan.already:
            raise NotAllowed(f"{plan.day.month}月{plan.day.day}日已经改到{plan.times.info.rain_place}了")
        click.echo(plan.summary() + "。")
        if not yes:
            click.confirm("确认改吗？", abort=True)
        with assistant.db.transaction() as session:
            moved = flag_rain(session, calendar, class_id, utcnow(), assistant.settings, day=plan.day)
    except NotAllowed as error:
        raise CommandError(f"{class_id}：{error}", code=2) from None
    info = moved.times.info
    click.echo(f"{info.name}{moved.day.month}月{moved.day.day}日改到{info.rain_place}；"
               f"已经提醒过的{moved.told}人会再收到一条通知。")


COMMANDS = (roster, rain)
