"""Unanswered questions, reviewed: how often and when each was asked, and what staff do with it."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database
from bot.models import FaqGap, GapStatus, StaffAccount, utcnow
from bot.services import audit, gaps
from bot.services.errors import NotAllowed

SHOWN = 100
SUGGESTED = 3


@bp.get("/gaps")
@requires("knowledge")
def gap_list() -> Any:
    status, search = request.args.get("status", GapStatus.OPEN), request.args.get("q", "").strip()
    knowledge = current_app.extensions["community"].library.current().knowledge
    with database().transaction() as db:
        rows = db.scalars(gaps.listed(status, search).limit(SHOWN)).all()
    suggestions = {gap.id: knowledge.ranked(gap.example, SUGGESTED) for gap in rows if gap.status == GapStatus.OPEN}
    return render_template("console/gaps.html", rows=rows, status=status, search=search, statuses=gaps.HANDLED,
                           suggestions=suggestions, entries=sorted(knowledge.entries))


@bp.get("/gaps.xlsx")
@requires("knowledge")
def gap_export() -> Any:
    tz = current_app.extensions["community"].settings.tz
    status, search = request.args.get("status", GapStatus.OPEN), request.args.get("q", "").strip()
    with database().transaction() as db:
        rows = [(g.example, g.count, g.first_at.astimezone(tz), g.last_at.astimezone(tz),
                 "不确定" if g.outcome == "clarify" else "答不上", gaps.HANDLED.get(g.status, g.status),
                 g.entry_id or "", g.handled_by or "") for g in db.scalars(gaps.listed(status, search))]
        return xlsx_response(db, name="没答上的问题", target="faq_gaps", sheets=[(
            "没答上的问题", ["问题（例句）", "次数", "第一次", "最近一次", "结果", "处理", "条目", "处理人"], rows)])


@bp.post("/gaps/<int:gap_id>/phrasing")
@requires("knowledge.edit")
def gap_phrasing(gap_id: int) -> Any:
    entry_id = request.form.get("entry_id", "").strip()
    entry = current_app.extensions["community"].library.current().knowledge.entries.get(entry_id)
    if entry is None:
        flash("请选一个已有的条目。", "error")
        return redirect(url_for("console.gap_list"))
    try:
        with database().transaction() as db:
            gap = db.get(FaqGap, gap_id) or abort(404)
            me = db.get(StaffAccount, current_user.id)
            gaps.add_as_phrasing(db, gap, entry, me.name, utcnow())
            audit.record(db, who=me, action="gap.phrasing", now=utcnow(), target=f"faq:{entry_id}",
                         detail=gap.example[:60], ip=client_ip())
            example = gap.example
    except NotAllowed as error:
        flash(str(error), "error")
        return redirect(url_for("console.gap_list"))
    current_app.extensions["community"].library.reload()
    flash(f"已把“{example}”加为“{entry.questions[0]}”的问法，居民再这样问就能答上。", "ok")
    return redirect(url_for("console.gap_list"))


@bp.post("/gaps/<int:gap_id>/mark")
@requires("knowledge.edit")
def gap_mark(gap_id: int) -> Any:
    try:
        status = GapStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    with database().transaction() as db:
        gap = db.get(FaqGap, gap_id) or abort(404)
        me = db.get(StaffAccount, current_user.id)
        gaps.mark(db, gap, status, me.name, utcnow())
        audit.record(db, who=me, action="gap.mark", now=utcnow(), target=f"gap:{gap_id}",
                     detail=f"{gaps.HANDLED[status]}：{gap.example[:60]}", ip=client_ip())
    flash(f"已标为“{gaps.HANDLED[status]}”。", "ok")
    return redirect(url_for("console.gap_list", status=request.form.get("back_status", GapStatus.OPEN)))
