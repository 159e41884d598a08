"""工作台: what needs attention now, each number linking to its list."""
from __future__ import annotations

from typing import Any

from flask import render_template

from bot.console import bp
from bot.console.permissions import requires


@bp.get("/")
@requires("dashboard")
def dashboard() -> Any:
    return render_template("console/dashboard.html")
