"""The `community-bot` command: serve, chat, data checks and staff tools."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.config import ConfigError

Command = Callable[[argparse.Namespace], int]


def _app(args: argparse.Namespace | None = None) -> Any:
    from bot import create_app

    return create_app()


def cmd_serve(args: argparse.Namespace) -> int:
    host = args.host or os.environ.get("HOST", "127.0.0.1")
    port = int(args.port or os.environ.get("PORT", "8000"))
    app = _app()
    settings = app.extensions["community"].settings
    if settings.production:
        print("production: run `gunicorn wsgi:app` and `community-bot scheduler` instead", file=sys.stderr)
        return 2
    from bot.outbound import scheduler as runner

    try:
        scheduler = runner.start(app)  # development runs the one scheduler inside the dev server
    except runner.SchedulerError as error:
        print(f"no in-process scheduler: {error}", file=sys.stderr)
        scheduler = None
    print(f"羊木社区 assistant on http://{host}:{port}/wechat — simulator: http://{host}:{port}/dev/chat")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            runner.stop(scheduler)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """The simulator in a terminal: each line is signed and posted to the real webhook."""
    from bot.wechat.simulator import deliver, wechat_side

    app = _app()
    with app.app_context():
        side = wechat_side()
        print("输入消息回车发送；/关注 /位置 /图片 /菜单键 KEY；Ctrl-D 退出。")
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            if text == "/关注":
                signed = side.event(args.openid, "subscribe")
            elif text == "/位置":
                signed = side.location(args.openid, 32.6441, 105.8163, "羊木镇老街")
            elif text == "/图片":
                signed = side.image(args.openid)
            elif text.startswith("/菜单键 "):
                signed = side.event(args.openid, "CLICK", text.split(" ", 1)[1])
            else:
                signed = side.text(args.openid, text)
            reply = deliver(side, signed)
            print(f"小助手> {reply['text'] or '（没有回复）'}\n", flush=True)
    return 0


def cmd_faq(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.content.files import ContentError
    from bot.content.library import load_snapshot

    faq_dir = Path(load_settings().FAQ_DIR)
    try:
        snapshot = load_snapshot(faq_dir)
    except ContentError as error:
        print(f"faq: {error}\nThe running assistant keeps the previous version until this is fixed.", file=sys.stderr)
        return 1
    print(f"faq: {len(snapshot.knowledge.entries)} entries OK in {faq_dir}. "
          "A running assistant picks up changes within a second.")
    return 0


def cmd_faq_gaps(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.models import FaqGap

    app = _app()
    db = app.extensions["community"].db
    with db.transaction() as session:
        most_asked = select(FaqGap).order_by(FaqGap.count.desc(), FaqGap.last_at.desc()).limit(args.limit)
        gaps = session.scalars(most_asked).all()
        if not gaps:
            print("No unanswered questions yet.")
        for gap in gaps:
            kind = "不确定" if gap.outcome == "clarify" else "答不上"
            print(f"{gap.count:>4}  {kind}  {gap.example}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """`upgrade` brings a database to the newest schema; `revision` writes a migration from models."""
    import tempfile

    from alembic import command
    from alembic.config import Config as AlembicConfig

    from bot.config import load_settings
    from bot.db import MIGRATIONS, Database

    if args.action == "upgrade":
        Database(load_settings().DATABASE_URL).upgrade()
        print("database is at the newest schema")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/revision.db")
        db.upgrade()
        with db.engine.begin() as connection:
            config = AlembicConfig()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.revision(config, message=args.message or "schema change", autogenerate=True)
        db.dispose()
    return 0


def cmd_faq_eval(args: argparse.Namespace) -> int:
    from bot.cli.faq_eval import evaluate, load_questions

    try:
        questions = load_questions(Path(args.file))
    except (OSError, ValueError) as error:
        print(f"faq-eval: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    report = evaluate(questions)
    print("\n".join(report.lines()))
    if args.show_misses:
        print("\nmisses:\n" + "\n".join(report.misses))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="community-bot", description="羊木社区 WeChat assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the webhook (development server + simulator)")
    serve.add_argument("--host")
    serve.add_argument("--port")
    serve.add_argument("--dev", action="store_true", help="development mode (the default outside production)")
    serve.set_defaults(func=cmd_serve)
    chat = sub.add_parser("chat", help="talk to the assistant in the terminal, through the real webhook")
    chat.add_argument("--openid", default="dev-terminal")
    chat.set_defaults(func=cmd_chat)
    faq = sub.add_parser("faq", help="check the FAQ files (running servers reload them by themselves)")
    faq.add_argument("action", choices=["check", "reload"])
    faq.set_defaults(func=cmd_faq)
    gaps = sub.add_parser("faq-gaps", help="the questions residents asked that the FAQ could not answer")
    gaps.add_argument("--limit", type=int, default=30)
    gaps.set_defaults(func=cmd_faq_gaps)
    evaluate = sub.add_parser("faq-eval", help="score labelled questions through the real webhook")
    evaluate.add_argument("file", help="YAML list of {q: question, expect: id | [ids] | null}")
    evaluate.add_argument("--show-misses", action="store_true")
    evaluate.set_defaults(func=cmd_faq_eval)
    db = sub.add_parser("db", help="database schema: upgrade, or write a migration (developers)")
    db.add_argument("action", choices=["upgrade", "revision"])
    db.add_argument("-m", "--message")
    db.set_defaults(func=cmd_db)
    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """Command groups that live beside their feature."""
    from bot.cli.outbound import register as outbound
    from bot.cli.reports import register as staff_services

    return [outbound, staff_services]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"community-bot: {error}", file=sys.stderr)
        return 2
