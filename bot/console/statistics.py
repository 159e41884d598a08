"""统计: the numbers of a month or any range, charts, the 台账 workbook and a printable A4 page."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, flash, render_template, request
from flask_login import current_user

from bot.console.charts import bars, share, trend
from bot.console.exports import xlsx_response
from bot.console.permissions import allowed, requires
from bot.console.web import bp, client_ip, database
from bot.content import texts
from bot.models import StaffAccount, utcnow
from bot.services import audit, statistics
from bot.services.statistics import Area, Period

LONGEST = timedelta(days=366)  # a weekly chart of more is unreadable
TREND_SERIES = {"conversations": "居民消息", "reports": "上报问题", "bookings": "预约代办"}


@bp.get("/statistics")
@requires("statistics")
def statistics_page() -> Any:
    period, problem = _period()
    if problem:
        flash(problem, "error")
    return render_template("console/statistics.html", can_export=allowed(current_user.role, "statistics.export"),
                           **_report(period))


@bp.get("/statistics/print")
@requires("statistics")
def statistics_print() -> Any:
    """The A4 page handed upwards; printing it is an export, so it is audited."""
    period, _ = _period()
    with database().transaction() as db:
        audit.record(db, who=db.get(StaffAccount, current_user.id), action="export", now=utcnow(),
                     target="statistics.print", detail=period.label, ip=client_ip())
    return render_template("console/statistics_print.html", **_report(period))


@bp.get("/statistics.xlsx")
@requires("statistics.export")
def statistics_export() -> Any:
    """导出台账: a summary sheet, then one sheet per area with the rows behind its numbers."""
    period, _ = _period()
    with database().transaction() as db:
        areas = statistics.report(db, period, _services())
        summary = [(area.title, label, value) for area in areas for label, value in area.figures]
        sheets = [("汇总", ["方面", "项目", period.label], summary),
                  *((area.title, list(area.headers), area.rows) for area in areas)]
        return xlsx_response(db, name=f"台账-{period.label}", target="statistics", sheets=sheets)


def _report(period: Period) -> dict[str, Any]:
    settings = current_app.extensions["community"].settings
    with database().transaction() as db:
        areas = statistics.report(db, period, _services())
    log_kept_since = (utcnow() - timedelta(days=settings.MESSAGE_LOG_DAYS)).astimezone(period.tz).date()
    return {"period": period, "areas": areas, "charts": _charts(period, areas),
            "title": texts.STATISTICS_TITLE.format(period=period.label),
            "log_note": period.first < log_kept_since and log_kept_since,
            "log_days": settings.MESSAGE_LOG_DAYS, "query": request.args.to_dict()}


def _charts(period: Period, areas: list[Area]) -> list[Any]:
    weeks = period.weeks()
    series = [(TREND_SERIES[a.key], [a.weekly[w] for w in weeks]) for a in areas if a.key in TREND_SERIES]
    drawn = [trend("每周趋势", weeks, series)]
    for area in areas:
        drawn += [bars(title, items) for title, items in area.bars]
        if area.share:
            drawn.append(share(*area.share))
    return [chart for chart in drawn if chart]


def _period() -> tuple[Period, str]:
    """The range asked for (month=2026-11, or since/until days); this month when none or a wrong one."""
    tz = current_app.extensions["community"].settings.tz
    today = utcnow().astimezone(tz).date()
    args = request.args
    try:
        if args.get("since") or args.get("until"):
            first = _day(args.get("since") or args["until"])
            last = _day(args.get("until") or args["since"])
            if last < first:
                return Period.month(today.year, today.month, tz), "结束日期早于开始日期，已显示本月。"
            if last - first > LONGEST:
                return Period.month(today.year, today.month, tz), "一次最多看一年，已显示本月。"
            return Period(first, last, tz), ""
        if args.get("month"):
            year, month = (int(part) for part in args["month"].split("-"))
            return Period.month(year, month, tz), ""
    except (ValueError, KeyError):
        return Period.month(today.year, today.month, tz), "日期格式不对，已显示本月。"
    return Period.month(today.year, today.month, tz), ""


def _day(text: str) -> date:
    return datetime.strptime(text, "%Y-%m-%d").date()


def _services() -> Any:
    return current_app.extensions["community"].library.current().services
