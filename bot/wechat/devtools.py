"""Development only: the outbox as residents would receive it, and a reminder pass "as of" any time."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.models import Outbox, Reminder, utcnow
from bot.outbound.sender import Sender
from bot.services import reminders

bp = Blueprint("devtools", __name__, url_prefix="/dev", template_folder="templates")
SHOWN_ROWS = 200
LISTED = 20  # reminders named per kind after a pass; the counts cover the rest
FORM_TIME = "%Y-%m-%dT%H:%M"
STEPS = (("+1小时", 60), ("+1天", 1440))


@bp.get("/outbox")
def outbox() -> str:
    assistant = current_app.extensions["community"]
    tz = assistant.settings.tz
    with assistant.db.transaction() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id.desc()).limit(SHOWN_ROWS)).all()
    default = request.args.get("as_of") or (utcnow().astimezone(tz) + timedelta(hours=1)).strftime(FORM_TIME)
    return render_template("outbox.html", rows=rows, tz=tz, default=default, ran=request.args.get("ran"),
                           steps=STEPS)


@bp.post("/outbox/run")
def run_as_of() -> Any:
    """Plan, queue and 'send' (show) reminders as if the clock said the chosen local time, plus `step` minutes.

    Everything that fell due by then is accounted for: shown if within the grace, marked missed if not.
    """
    assistant = current_app.extensions["community"]
    settings, db = assistant.settings, assistant.db
    try:
        chosen = datetime.fromisoformat(request.form.get("as_of", "")).replace(tzinfo=settings.tz)
        step = timedelta(minutes=int(request.form.get("step") or 0))
    except ValueError:
        return redirect(url_for("devtools.outbox", ran="时间格式不对"))
    as_of = chosen + step
    grace = timedelta(minutes=settings.REMINDER_GRACE_MINUTES)
    planned = reminders.plan(db, assistant.library.current().calendar, settings, as_of, since=chosen - grace)
    due = reminders.queue_due(db, as_of, grace)
    shown = Sender(db, settings, api=None).drain(now=as_of)
    lines = [f"{as_of:%m-%d %H:%M}：新建提醒{planned}条，到点{len(due.queued) + len(due.missed)}条，"
             f"显示{shown}条，错过{len(due.missed)}条（晚了{settings.REMINDER_GRACE_MINUTES}分钟以上，不再发）"]
    lines += [_line("到点", r, settings.tz) for r in due.queued[:LISTED]]
    lines += [_line("错过", r, settings.tz) for r in due.missed[:LISTED]]
    return redirect(url_for("devtools.outbox", ran="\n".join(lines), as_of=as_of.strftime(FORM_TIME)))


def _line(what: str, reminder: Reminder, tz: tzinfo) -> str:
    return f"{what}：{reminder.fire_at.astimezone(tz):%m-%d %H:%M} {reminder.openid} {reminder.text[:30]}"
