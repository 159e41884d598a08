"""Staff commands for problem reports and class rosters: `community-bot reports …` and `roster …`."""
from __future__ import annotations

import argparse
import csv
import getpass
import sys
from typing import Any

from bot.models import TicketStatus, utcnow

ROSTER_FIELDS = ("序号", "状态", "姓名", "电话", "年龄", "报名时间")


def _app() -> Any:
    from bot import create_app

    return create_app()


def cmd_reports(args: argparse.Namespace) -> int:
    from bot.services import tickets
    from bot.services.errors import NotFound, ServiceError

    app = _app()
    community = app.extensions["community"]
    tz = community.settings.tz
    by = getattr(args, "by", None) or getpass.getuser()
    with community.db.transaction() as session:
        if args.action == "list":
            found = tickets.listing(session, args.status)
            if not found:
                print("No reports.")
            for t in found:
                print(f"{t.number}  {t.status}  {t.category}  {t.grid}  {t.assignee}  "
                      f"{t.created_at.astimezone(tz):%m-%d %H:%M}  {t.location}")
            return 0
        try:
            ticket = tickets.find(session, args.ticket)
        except NotFound:
            print(f"reports: no report {args.ticket}", file=sys.stderr)
            return 1
        if args.action == "show":
            print(f"{ticket.number}  {ticket.category}  {ticket.status}  满意度：{ticket.satisfaction or '—'}")
            print(f"网格：{ticket.grid}  负责：{ticket.assignee}")
            where = f"（{ticket.latitude}, {ticket.longitude}）" if ticket.latitude else ""
            print(f"地点：{ticket.location}{where}")
            print(f"情况：{ticket.description}")
            if ticket.pic_url or ticket.media_id:
                print(f"照片：{ticket.pic_url or ticket.media_id}")
            for event in ticket.events:
                print(f"  {event.at.astimezone(tz):%m-%d %H:%M}  {event.status}  {event.by}  {event.note}")
            return 0
        try:
            if args.action == "assign":
                tickets.assign(ticket, args.worker, by, utcnow())
                print(f"{ticket.number} → {ticket.assignee}")
            else:
                tickets.change_status(session, ticket, args.status, args.note or "", by, utcnow())
                print(f"{ticket.number}: {args.status} (the resident is told by message)")
        except ServiceError as error:  # refused before anything was written
            print(f"reports: {error}", file=sys.stderr)
            return 2
    return 0


def cmd_roster(args: argparse.Namespace) -> int:
    from bot.services import enrollments

    app = _app()
    community = app.extensions["community"]
    klass = community.library.current().services.klass(args.klass)
    if klass is None:
        print(f"roster: no class {args.klass!r}", file=sys.stderr)
        return 1
    tz = community.settings.tz
    with community.db.transaction() as session:
        enrolled, waiting = enrollments.roster(session, klass)
        table = []
        for status, listed in (("已报名", enrolled), ("候补", waiting)):
            for i, row in enumerate(listed, 1):
                table.append((row.seat if listed is enrolled else f"候补{i}", status, row.name or "",
                              row.phone or "", row.age or "", f"{row.created_at.astimezone(tz):%Y-%m-%d %H:%M}"))
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(ROSTER_FIELDS)
        writer.writerows(table)
        return 0
    print(f"{klass.name} {klass.term}起 {klass.schedule}：已报名 {len(enrolled)}/{klass.capacity}，候补 {len(waiting)}")
    for row in table:
        print("  ".join(str(cell) for cell in row))
    return 0


def register(sub: Any) -> None:
    statuses = list(TicketStatus)
    reports = sub.add_parser("reports", help="problem reports: list, show, assign, change status")
    actions = reports.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="all reports, newest first")
    listing.add_argument("--status", choices=statuses)
    show = actions.add_parser("show", help="one report with its history")
    show.add_argument("ticket", help="report number (WG…) or id")
    assign = actions.add_parser("assign", help="hand a report to another worker")
    assign.add_argument("ticket")
    assign.add_argument("worker")
    status = actions.add_parser("status", help="change the status; the resident gets a message")
    status.add_argument("ticket")
    status.add_argument("status", choices=statuses[1:])
    status.add_argument("--note", default="")
    for parser in (assign, status):
        parser.add_argument("--by", help="who makes the change (default: the login name)")
    reports.set_defaults(func=cmd_reports)
    roster = sub.add_parser("roster", help="a class roster (taiji, yangge) with its waiting list")
    roster.add_argument("klass", metavar="class", help="taiji or yangge")
    roster.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")
    roster.set_defaults(func=cmd_roster)
