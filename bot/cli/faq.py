"""`community-bot faq`: whether staff's edits in faq/ are valid, what residents asked unanswered, accuracy."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from bot.cli.common import CommandError, community, settings
from bot.models import GapStatus

faq = AppGroup("faq", help="faq/ 里的数据：检查文件、没答上的问题、准确率评测。")


@faq.command(with_appcontext=False, help="检查 faq/ 里的文件对不对（运行中的小助手一秒内自动用上新版本）。")
def check() -> None:
    from bot.content.files import ContentError
    from bot.content.library import load_snapshot
    from bot.conversation.router import FEATURES, Dispatcher
    from bot.knowledge.matcher import MAX_THING_ENTRIES
    from bot.services import kindergarten

    faq_dir = Path(settings().FAQ_DIR)
    try:
        snapshot = load_snapshot(faq_dir)
        Dispatcher(FEATURES).check(faq_dir)
        kindergarten.data(faq_dir)  # read when asked, outside the snapshot: checked here too
    except ContentError as error:
        raise CommandError(f"faq 有错：{error}\n改好之前，运行中的小助手继续用原来的版本。") from None
    for name, count in sorted(snapshot.knowledge.crowded_things.items()):
        click.secho(f"提醒：有 {count} 条问答的问法提到“{name}”，超过 {MAX_THING_ENTRIES} 条，小助手就不再靠它认出"
                    f"问的是哪个地方或哪件事（问它没登记的事，可能答成别的条目）。请把一些问法改成不提“{name}”的说法。",
                    fg="yellow")
    click.echo(f"faq 没有问题：{faq_dir} 共 {len(snapshot.knowledge.entries)} 条问答。运行中的小助手一秒内自动用上。")


faq.add_command(check, "reload")  # running servers reload by themselves: `reload` only checks, as it always did


@faq.command(help="居民问了、小助手没答上的问题，问得多的在前（次数、第一次和最近一次、例句）。")
@click.option("--limit", default=30, show_default=True, help="最多列几条")
@click.option("--all", "everything", is_flag=True, help="也列出已处理的")
def gaps(limit: int, everything: bool) -> None:
    from bot.services import gaps as gap_review

    assistant = community()
    tz = assistant.settings.tz
    with assistant.db.transaction() as session:
        found = session.scalars(gap_review.listed("" if everything else GapStatus.OPEN).limit(limit)).all()
        if not found:
            click.echo("还没有答不上的问题。")
        for gap in found:
            kind = "不确定" if gap.outcome == "clarify" else "答不上"
            when = f"{gap.first_at.astimezone(tz):%m-%d}～{gap.last_at.astimezone(tz):%m-%d}"
            handled = gap_review.HANDLED.get(gap.status, gap.status)
            click.echo(f"{gap.count:>4}  {when}  {kind}  {handled}  {gap.example}")


@faq.command("eval", with_appcontext=False,
             help="Developers: score labelled questions (FILE: YAML list of {q, expect}) through the real webhook.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--show-misses", is_flag=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON line (for the console's before/after check).")
def evaluate_file(file: Path, show_misses: bool, as_json: bool) -> None:
    from bot.cli.faq_eval import evaluate, load_questions

    try:
        questions = load_questions(file)
    except (OSError, ValueError) as error:
        raise CommandError(f"faq eval: cannot read {file}: {error}", code=2) from None
    report = evaluate(questions)
    if as_json:
        click.echo(json.dumps({"top1": report.top1, "rejection": report.rejection}))
        return
    click.echo("\n".join(report.lines()))
    if show_misses:
        click.echo("\nmisses:\n" + "\n".join(report.misses))


@faq.command(help="把后台改过的问答写回 faq/qa/*.yaml（新条目写进 faq/qa/console.yaml），以便随代码提交。")
def export() -> None:
    from bot.services import knowledge

    assistant = community()
    with assistant.db.transaction() as session:
        edits = knowledge.newest_edits(session)
    if not edits:
        click.echo("后台没有改过问答，文件就是最新的。")
        return
    written = knowledge.export(Path(assistant.settings.FAQ_DIR), edits)
    click.echo(f"已写入 {len(edits)} 条：{'、'.join(written) or '（文件里已经是这样）'}。"
               "请检查后随代码提交；部署后文件和后台一致。")


COMMANDS = (faq,)
