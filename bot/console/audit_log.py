"""The audit log for admins: filter, read, export; never edit."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, render_template, request
from flask_login import current_user

from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database
from bot.models import StaffAccount, utcnow
from bot.services import audit

PAGE = 100


@bp.get("/audit")
@requires("audit")
def audit_list() -> Any:
    with database().transaction() as db:
        rows = db.scalars(_filtered().limit(PAGE)).all()
    return render_template("console/audit.html", rows=rows, args=request.args)


@bp.get("/audit.csv")
@requires("audit")
def audit_export() -> Any:
    tz = current_app.extensions["community"].settings.tz
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["时间", "操作人", "操作", "对象", "详情", "来源IP"])
    with database().transaction() as db:
        rows = db.scalars(_filtered()).all()
        for row in rows:
            writer.writerow([f"{row.at.astimezone(tz):%Y-%m-%d %H:%M:%S}", row.who, row.action, row.target,
                             row.detail, row.ip])
        audit.record(db, who=db.get(StaffAccount, current_user.id), action="export", now=utcnow(),
                     target="audit_log", detail=f"{len(rows)}行 {request.query_string.decode()}", ip=client_ip())
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})


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
