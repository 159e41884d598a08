"""Development only: the outbox as residents would receive it, and a reminder pass "as of" any time."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.models import Outbox, utcnow
from bot.outbound.sender import Sender
from bot.services import reminders

bp = Blueprint("devtools", __name__, url_prefix="/dev", template_folder="templates")
SHOWN_ROWS = 200


@bp.get("/outbox")
def outbox() -> str:
    assistant = current_app.extensions["community"]
    tz = assistant.settings.tz
    with assistant.db.transaction() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id.desc()).limit(SHOWN_ROWS)).all()
    default = (utcnow().astimezone(tz) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return render_template("outbox.html", rows=rows, tz=tz, default=default, ran=request.args.get("ran"))


@bp.post("/outbox/run")
def run_as_of() -> Any:
    """Plan, queue and 'send' (show) reminders as if the clock said the chosen local time."""
    assistant = current_app.extensions["community"]
    settings, db = assistant.settings, assistant.db
    try:
        as_of = datetime.fromisoformat(request.form.get("as_of", "")).replace(tzinfo=settings.tz)
    except ValueError:
        return redirect(url_for("devtools.outbox", ran="时间格式不对"))
    grace = timedelta(minutes=settings.REMINDER_GRACE_MINUTES)
    since = as_of - grace
    calendar = assistant.library.current().calendar
    planned = reminders.plan(db, calendar, settings, as_of, since=since)
    queued, _ = reminders.queue_due(db, as_of, grace, since=since)
    shown = Sender(db, settings, api=None).drain(now=as_of)
    note = f"{as_of:%m-%d %H:%M}：新建提醒{planned}条，到点{queued}条，显示{shown}条"
    return redirect(url_for("devtools.outbox", ran=note))
