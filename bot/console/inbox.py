"""The 人工 inbox: open cases with their waiting time, a case with the resident's context, replies."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database
from bot.knowledge.chinese import mask_phone
from bot.models import (
    Booking,
    CannedReply,
    Enrollment,
    HandoffRequest,
    HandoffStatus,
    MessageLog,
    StaffAccount,
    Ticket,
    User,
    utcnow,
)
from bot.services import audit, handoffs
from bot.services.errors import NotAllowed

CLOSED_SHOWN = 20


@bp.get("/inbox")
@requires("inbox")
def inbox_list() -> Any:
    with database().transaction() as db:
        open_cases = db.scalars(select(HandoffRequest).where(HandoffRequest.status == HandoffStatus.OPEN)
                                .order_by(HandoffRequest.created_at.desc())).all()
        closed = db.scalars(select(HandoffRequest).where(HandoffRequest.status != HandoffStatus.OPEN)
                            .order_by(HandoffRequest.closed_at.desc()).limit(CLOSED_SHOWN)).all()
        labels = {c.id: handoffs.resident_label(db.get(User, c.user_id)) for c in (*open_cases, *closed)}
    return render_template("console/inbox.html", open_cases=open_cases, closed=closed, labels=labels, now=utcnow())


@bp.get("/inbox/<int:case_id>")
@requires("inbox")
def inbox_case(case_id: int) -> Any:
    return _case_page(case_id)


@bp.post("/inbox/<int:case_id>/phone")
@requires("phone.reveal")
def inbox_phone(case_id: int) -> Any:
    """Showing a resident's phone is a deliberate, audited act."""
    with database().transaction() as db:
        case = db.get(HandoffRequest, case_id) or abort(404)
        user = db.get(User, case.user_id)
        audit.record(db, who=db.get(StaffAccount, current_user.id), action="phone.view", now=utcnow(),
                     target=f"user:{user.id}", detail=f"人工 {case_id}", ip=client_ip())
        phone = user.phone
    return _case_page(case_id, phone=phone or "（没有留电话）")


@bp.post("/inbox/<int:case_id>/reply")
@requires("inbox.reply")
def inbox_reply(case_id: int) -> Any:
    try:
        with database().transaction() as db:
            case = db.get(HandoffRequest, case_id) or abort(404)
            handoffs.reply(db, case, db.get(StaffAccount, current_user.id), request.form.get("text", ""), utcnow())
        flash("已发给居民。", "ok")
    except NotAllowed as error:
        flash(str(error), "error")
        return _case_page(case_id, draft=request.form.get("text", "")), 400
    return redirect(url_for("console.inbox_case", case_id=case_id))


@bp.post("/inbox/<int:case_id>/close")
@requires("inbox.reply")
def inbox_close(case_id: int) -> Any:
    with database().transaction() as db:
        case = db.get(HandoffRequest, case_id) or abort(404)
        me = db.get(StaffAccount, current_user.id)
        handoffs.close(db, case, utcnow(), me.name)
        audit.record(db, who=me, action="inbox.close", now=utcnow(), target=f"case:{case_id}", ip=client_ip())
    flash("已结束。居民再发消息时由小助手回答。", "ok")
    return redirect(url_for("console.inbox_list"))


@bp.post("/canned")
@requires("inbox.reply")
def canned_add() -> Any:
    text = request.form.get("text", "").strip()
    if text:
        with database().transaction() as db:
            db.add(CannedReply(text=text[: handoffs.MAX_REPLY], created_at=utcnow()))
            audit.record(db, who=db.get(StaffAccount, current_user.id), action="canned.add", now=utcnow(),
                         detail=text[:60])
    return redirect(request.form.get("back") or url_for("console.inbox_list"))


@bp.post("/canned/<int:canned_id>/delete")
@requires("inbox.reply")
def canned_delete(canned_id: int) -> Any:
    with database().transaction() as db:
        row = db.get(CannedReply, canned_id)
        if row is not None:
            audit.record(db, who=db.get(StaffAccount, current_user.id), action="canned.delete", now=utcnow(),
                         detail=row.text[:60])
            db.delete(row)
    return redirect(request.form.get("back") or url_for("console.inbox_list"))


def _case_page(case_id: int, phone: str | None = None, draft: str = "") -> Any:
    settings = current_app.extensions["community"].settings
    now = utcnow()
    with database().transaction() as db:
        case = db.get(HandoffRequest, case_id) or abort(404)
        user = db.get(User, case.user_id)
        since = now - timedelta(days=settings.MESSAGE_LOG_DAYS)
        messages = db.scalars(select(MessageLog).where(MessageLog.user_id == user.id, MessageLog.at >= since)
                              .order_by(MessageLog.id.desc()).limit(60)).all()[::-1]
        context = {
            "case": case, "label": handoffs.resident_label(user), "messages": messages,
            "masked_phone": mask_phone(user.phone) if user.phone else "", "phone": phone,
            "reachable": user.last_message_at is not None and now - user.last_message_at <= handoffs.REACHABLE,
            "bookings": db.scalars(select(Booking).where(Booking.user_id == user.id)
                                   .order_by(Booking.day.desc()).limit(10)).all(),
            "tickets": db.scalars(select(Ticket).where(Ticket.user_id == user.id)
                                  .order_by(Ticket.id.desc()).limit(10)).all(),
            "enrollments": db.scalars(select(Enrollment).where(Enrollment.user_id == user.id)
                                      .order_by(Enrollment.id.desc()).limit(10)).all(),
            "canned": db.scalars(select(CannedReply).order_by(CannedReply.id)).all(),
            "draft": draft, "now": now,
        }
    return render_template("console/case.html", **context)
