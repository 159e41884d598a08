"""GET /healthz/scheduler: 200 while the scheduler's heartbeat is fresh, 503 when it is not."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from bot.outbound.scheduler import STALE_AFTER, heartbeat

bp = Blueprint("scheduler_health", __name__)


@bp.get("/healthz/scheduler")
def scheduler_health() -> Any:
    """Public: says alive or not, never which process or host (that helps only an attacker)."""
    try:
        age, _who = heartbeat(current_app.extensions["community"].db)
    except SQLAlchemyError:
        return jsonify(status="down", database="unreachable"), 503
    alive = age is not None and age < STALE_AFTER.total_seconds()
    return jsonify(status="ok" if alive else "down", seconds_since_heartbeat=age), 200 if alive else 503
