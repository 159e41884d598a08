"""工作台: what needs attention now, each number linking to its list."""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from bot.console.permissions import requires
from bot.console.web import bp, database
from bot.models import utcnow
from bot.outbound.readiness import template_warning
from bot.outbound.scheduler import STALE_AFTER, heartbeat
from bot.services.overview import overview


@bp.get("/")
@requires("dashboard")
def dashboard() -> Any:
    settings = current_app.extensions["community"].settings
    with database().transaction() as db:
        numbers = overview(db, utcnow(), settings.tz)
    age, _ = heartbeat(database())
    template = template_warning(database(), settings)
    scheduler_ok = age is not None and age < STALE_AFTER.total_seconds()
    return render_template("console/dashboard.html", n=numbers, scheduler_ok=scheduler_ok,
                           scheduler_age=None if age is None else int(age // 60), template_warning=template)
