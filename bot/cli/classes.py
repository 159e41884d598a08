"""`community-bot roster` and `rain`: a class's sign-up list, and its next session moving indoors."""
from __future__ import annotations

import csv
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from bot.cli.common import CommandError, community
from bot.models import Enrollment, utcnow

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
        rows = session.scalars(select(Enrollment).where(
            Enrollment.class_id == found.id, Enrollment.term == found.term,
            Enrollment.status.in_(("enrolled", "waiting")),
        ).order_by(Enrollment.seat, Enrollment.id)).all()
        enrolled = [row for row in rows if row.status == "enrolled"]
        waiting = [row for row in rows if row.status == "waiting"]
        table = []
        for label, listed in (("已报名", enrolled), ("候补", waiting)):
            for i, row in enumerate(listed, 1):
                table.append((row.seat if row.status == "enrolled" else f"候补{i}", label, row.name or "",
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


@click.command(help="下雨：这个班下一次课改到下雨的地点，已经提醒过的人会收到通知。")
@click.argument("class_id", metavar="班")
@with_appcontext
def rain(class_id: str) -> None:
    from bot.services.reminders import flag_rain

    assistant = community()
    classes = assistant.library.current().calendar.classes
    info = classes.get(class_id)
    if info is None:
        raise CommandError(f"没有这个班：{class_id}；现有：{', '.join(classes)}", code=2)
    with assistant.db.transaction() as session:
        day, told = flag_rain(session, info, utcnow(), assistant.settings)
    click.echo(f"{info.info.name}{day.month}月{day.day}日改到{info.info.rain_place}；"
               f"已经提醒过的{told}人会再收到一条通知。")


COMMANDS = (roster, rain)
