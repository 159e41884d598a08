"""Staff and operator commands for outbound work: scheduler, status, announce, rain, tag, menu."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.models import Outbox, OutboxStatus, Reminder, ReminderStatus, User, UserTag, utcnow


def _app() -> Any:
    from bot import create_app

    return create_app()


def _parts(app: Any) -> tuple[Any, Any, Any]:
    assistant = app.extensions["community"]
    return assistant.db, assistant.settings, assistant.library.current().calendar


def cmd_scheduler(args: argparse.Namespace) -> int:
    """The only process that runs APScheduler; stops cleanly on Ctrl-C or SIGTERM."""
    from bot.outbound import scheduler as runner

    app = _app()
    try:
        scheduler = runner.start(app)
    except runner.SchedulerError as error:
        print(f"scheduler: {error}", file=sys.stderr)
        return 1
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print("scheduler running; Ctrl-C stops it")
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    runner.stop(scheduler)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """What staff need to know: is the scheduler alive, what waits, what failed or was missed."""
    from bot.outbound.scheduler import STALE_AFTER, heartbeat

    db, settings, _ = _parts(_app())
    age, who = heartbeat(db)
    if age is None:
        print("scheduler: never started (run `community-bot scheduler`)")
    elif age < STALE_AFTER.total_seconds():
        print(f"scheduler: alive (pid {who.get('pid')} on {who.get('host')}, {age:.0f} s ago)")
    else:
        print(f"scheduler: DOWN — last heartbeat {age / 60:.0f} min ago (pid {who.get('pid')} on {who.get('host')})")
    tz = settings.tz
    with db.transaction() as session:
        counts = dict(session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        print("outbox: " + (", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "empty"))
        waiting = session.scalars(select(Outbox).where(Outbox.status == OutboxStatus.PENDING,
                                                       Outbox.reason.is_not(None))
                                  .order_by(Outbox.id.desc()).limit(5)).all()
        for row in waiting:
            print(f"  waiting  #{row.id} {row.openid}: {row.reason}")
        for row in session.scalars(select(Outbox).where(Outbox.status.in_((OutboxStatus.FAILED, OutboxStatus.UNKNOWN)))
                                   .order_by(Outbox.id.desc()).limit(10)):
            print(f"  {row.status:<8} #{row.id} {row.openid}: {row.reason}")
        missed = session.scalars(select(Reminder).where(Reminder.status == ReminderStatus.MISSED)
                                 .order_by(Reminder.fire_at.desc()).limit(20)).all()
        print(f"missed reminders: {len(missed)}" + (" (latest 20)" if len(missed) == 20 else ""))
        for reminder in missed:
            print(f"  {reminder.fire_at.astimezone(tz):%Y-%m-%d %H:%M} {reminder.openid}: {reminder.text[:40]}")
    return 0


def cmd_announce(args: argparse.Namespace) -> int:
    from bot.services.announcements import announce, find_audience, report
    from bot.services.errors import NotAllowed

    db, settings, calendar = _parts(_app())
    if args.action:
        if args.action[0] != "report" or len(args.action) != 2 or not args.action[1].isdigit():
            print("usage: community-bot announce report ID", file=sys.stderr)
            return 2
        with db.transaction() as session:
            text = report(session, int(args.action[1]), settings.tz)
        print(text or f"no announcement {args.action[1]}")
        return 0 if text else 1
    if not args.text or not args.audience:
        print("announce: give --text and --audience (or: announce report ID)", file=sys.stderr)
        return 2
    send_at = None
    if args.at:
        try:
            send_at = datetime.fromisoformat(args.at)
        except ValueError:
            print(f"announce: --at {args.at!r} is not a time like 2026-11-30T09:00", file=sys.stderr)
            return 2
        send_at = (send_at if send_at.tzinfo else send_at.replace(tzinfo=settings.tz)).astimezone(utcnow().tzinfo)
    try:
        audience = find_audience(calendar, args.audience)
        with db.transaction() as session:
            row, count = announce(session, calendar, settings, author=args.by, text=args.text, audience=audience,
                                  now=utcnow(), send_at=send_at)
    except NotAllowed as error:
        print(f"announce: {error}", file=sys.stderr)
        return 2
    when = f"at {send_at.astimezone(settings.tz):%Y-%m-%d %H:%M}" if send_at else "now"
    print(f"announcement {row.id} queued for {count} residents ({audience.label}), sent {when}")
    return 0


def cmd_rain(args: argparse.Namespace) -> int:
    from bot.services.errors import NotAllowed
    from bot.services.reminders import flag_rain

    db, settings, calendar = _parts(_app())
    try:
        with db.transaction() as session:
            moved = flag_rain(session, calendar, args.class_id, utcnow(), settings)
    except NotAllowed as error:
        print(f"rain: {args.class_id}: {error}", file=sys.stderr)
        return 2
    info = moved.times.info
    print(f"{info.name} on {moved.day} moves to {info.rain_place}; "
          f"{moved.told} residents already reminded get a notice")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    db, settings, calendar = _parts(_app())
    if args.tag not in calendar.tags:
        print(f"tag: {args.tag!r} is not in faq/audiences.yaml ({', '.join(calendar.tags)})", file=sys.stderr)
        return 2
    if args.action == "sync":
        return _sync_tag(db, settings, calendar, args.tag)
    if not args.openid:
        print("tag: give OPENID", file=sys.stderr)
        return 2
    with db.transaction() as session:
        user = session.scalars(select(User).where(User.openid == args.openid)).first()
        if user is None:
            print(f"tag: no resident {args.openid} (they must have written to the account once)", file=sys.stderr)
            return 1
        row = session.get(UserTag, (user.id, args.tag))
        if args.action == "add" and row is None:
            session.add(UserTag(user_id=user.id, tag=args.tag))
        elif args.action == "remove" and row is not None:
            session.delete(row)
    print(f"{args.openid}: {args.action} {args.tag} done")
    return 0


def _sync_tag(db: Any, settings: Any, calendar: Any, tag: str) -> int:
    """Copy a tag's members to WeChat, so an announcement to it can go as one mass send."""
    from bot.outbound.client import ApiError, make_api

    api = make_api(settings, db)
    try:
        tag_id = calendar.tags[tag] or api.tags().get(tag) or api.create_tag(tag)
        with db.transaction() as session:
            openids = list(session.scalars(select(User.openid).join(UserTag, UserTag.user_id == User.id)
                                           .where(UserTag.tag == tag)))
        api.tag_users(tag_id, openids)
    except ApiError as error:
        print(f"tag sync: WeChat said {error}", file=sys.stderr)
        return 1
    print(f"{tag}: {len(openids)} members copied to WeChat tag {tag_id}")
    if calendar.tags[tag] is None:
        print(f"put `wechat_tag_id: {tag_id}` under {tag} in faq/audiences.yaml")
    return 0


def cmd_menu(args: argparse.Namespace) -> int:
    from bot.outbound.client import ApiError, make_api

    app = _app()
    db, settings, _ = _parts(app)
    payload = app.extensions["community"].library.current().catalog.menu_payload()
    try:
        make_api(settings, db).create_menu(payload)
    except ApiError as error:
        print(f"menu push: WeChat said {error}", file=sys.stderr)
        return 1
    print(f"menu pushed: {len(payload['button'])} buttons")
    return 0


def register(sub: Any) -> None:
    """Adds this feature's commands to `community-bot`."""
    sub.add_parser("scheduler", help="run the one scheduler process (reminders and sending)").set_defaults(
        func=cmd_scheduler)
    sub.add_parser("status", help="scheduler heartbeat, outbox, missed reminders").set_defaults(func=cmd_status)
    announce = sub.add_parser("announce", help="queue an announcement, or `announce report ID`")
    announce.add_argument("action", nargs="*", help="report ID")
    announce.add_argument("--text")
    announce.add_argument("--audience", help="all | tag:NAME | class:ID | topic:ID")
    announce.add_argument("--at", help="local time, e.g. 2026-11-30T09:00 (default: now)")
    announce.add_argument("--by", default="cli", help="author shown in reports")
    announce.set_defaults(func=cmd_announce)
    rain = sub.add_parser("rain", help="the next session of a class moves to its rain place")
    rain.add_argument("class_id")
    rain.set_defaults(func=cmd_rain)
    tag = sub.add_parser("tag", help="put residents in audience tags; `tag sync TAG` copies one to WeChat")
    tag.add_argument("action", choices=["add", "remove", "sync"])
    tag.add_argument("openid", nargs="?")
    tag.add_argument("tag")
    tag.set_defaults(func=cmd_tag)
    menu = sub.add_parser("menu", help="push faq/menu.yaml to WeChat")
    menu.add_argument("action", choices=["push"])
    menu.set_defaults(func=cmd_menu)
