"""The audit log for admins: filter, read, export; never edit."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template, request

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, database
from bot.services import audit

PAGE = 100


@bp.get("/audit")
@requires("audit")
def audit_list() -> Any:
    with database().transaction() as db:
        rows = db.scalars(_filtered().limit(PAGE)).all()
    return render_template("console/audit.html", rows=rows, args=request.args)


@bp.get("/audit.xlsx")
@requires("audit")
def audit_export() -> Any:
    tz = current_app.extensions["community"].settings.tz
    with database().transaction() as db:
        rows = [(row.at.astimezone(tz), row.who, row.action, row.target, row.detail, row.ip)
                for row in db.scalars(_filtered())]
        return xlsx_response(db, name="操作记录", target="audit_log", sheets=[
            ("操作记录", ["时间", "操作人", "操作", "对象", "详情", "来源IP"], rows)])


def _filtered() -> Any:
    tz = current_app.extensions["community"].settings.tz
    since = _day(request.args.get("since", ""), tz)
    until = _day(request.args.get("until", ""), tz)
    return audit.query(action=request.args.get("action", ""), who=request.args.get("who", ""),
                       since=since, until=until + timedelta(days=1) if until else None)


def _day(text: str, tz: Any) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=tz) if text else None
    except ValueError:
        return None
