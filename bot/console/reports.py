"""Grid problem reports: the queue (filters, late ones first, Excel), a report's page and the work on it."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.utils import safe_join

from bot.console.exports import xlsx_response
from bot.console.permissions import allowed, requires
from bot.console.web import bp, client_ip, database
from bot.knowledge.chinese import mask_phone
from bot.models import Attachment, StaffAccount, Ticket, User, utcnow
from bot.services import audit, handoffs, media, tickets
from bot.services.accounts import Role
from bot.services.errors import ServiceError

AGES = (("", "不限"), ("new1", "1天内"), ("old1", "超过1天"), ("old3", "超过3天"), ("old7", "超过7天"))
HEADERS = ("编号", "上报时间", "网格", "类别", "状态", "负责人", "地点", "情况", "接手期限", "办结期限", "超时",
           "满意度", "回访")


@bp.get("/reports")
@requires("reports")
def report_list() -> Any:
    now = utcnow()
    with database().transaction() as db:
        found = tickets.queue(db, _filters(db), now)
        late = {t.id: tickets.lateness(t, now) for t in found}
    services = _services()
    return render_template("console/reports.html", tickets=found, late=late, args=_args(), ages=AGES,
                           statuses=tickets.STATUS_CHOICES, categories=[c.name for c in services.categories],
                           grids=_my_grids(), now=now)


@bp.get("/reports.xlsx")
@requires("reports")
def report_export() -> Any:
    now, tz = utcnow(), _settings().tz
    with database().transaction() as db:
        rows = [(t.number, t.created_at.astimezone(tz), t.grid, t.category, t.status, t.assignee, t.location,
                 t.description, t.respond_by.astimezone(tz) if t.respond_by else None,
                 t.resolve_by.astimezone(tz) if t.resolve_by else None, tickets.lateness(t, now) or "",
                 t.satisfaction or "", _follow_up(t)) for t in tickets.queue(db, _filters(db), now)]
        return xlsx_response(db, name="问题上报", target="reports", sheets=[("问题上报", HEADERS, rows)])


@bp.get("/reports/<int:ticket_id>")
@requires("reports")
def report_page(ticket_id: int) -> Any:
    return _report_page(ticket_id)


@bp.post("/reports/<int:ticket_id>/phone")
@requires("phone.reveal")
def report_phone(ticket_id: int) -> Any:
    """Calling the resident back (回访) starts with a deliberate, audited look at their number."""
    with database().transaction() as db:
        me = db.get(StaffAccount, current_user.id)
        ticket = _visible(db, me, ticket_id)
        user = db.get(User, ticket.user_id) if ticket.user_id else None
        audit.record(db, who=me, action="phone.view", now=utcnow(), target=f"user:{ticket.user_id}",
                     detail=f"上报 {ticket.number}", ip=client_ip())
        phone = user.phone if user else None
    return _report_page(ticket_id, phone=phone or "（没有留电话）")


def _report_page(ticket_id: int, phone: str | None = None) -> Any:
    now = utcnow()
    with database().transaction() as db:
        me = db.get(StaffAccount, current_user.id)
        ticket = _visible(db, me, ticket_id)
        user = db.get(User, ticket.user_id) if ticket.user_id else None
        audit.record(db, who=me, action="report.view", now=now, target=f"ticket:{ticket.number}", ip=client_ip())
        context = {
            "t": ticket, "late": tickets.lateness(ticket, now), "media": media.of_ticket(db, ticket.id),
            "media_status": media.status, "resident": handoffs.resident_label(user) if user else "（已删除信息）",
            "masked_phone": mask_phone(user.phone) if user and user.phone else "", "phone": phone,
            "may_reveal": allowed(current_user.role, "phone.reveal"),
            "workers": _workers(db, ticket), "next": tickets.NEXT.get(ticket.status, ()),
            "follow_up_open": ticket.follow_up_at is not None and ticket.follow_up_closed_at is None,
        }
    return render_template("console/report.html", **context)


@bp.get("/reports/<int:ticket_id>/media/<int:attachment_id>")
@requires("reports")
def report_media(ticket_id: int, attachment_id: int) -> Any:
    """A photo or recording from our own storage, never from WeChat's servers."""
    with database().transaction() as db:
        _visible(db, db.get(StaffAccount, current_user.id), ticket_id)
        attachment = db.get(Attachment, attachment_id)
        if attachment is None or attachment.ticket_id != ticket_id or not attachment.path:
            abort(404)
        path, content_type = attachment.path, attachment.content_type
    full = safe_join(_settings().MEDIA_DIR, path)
    if full is None or not Path(full).is_file():
        abort(404)
    response = send_file(full, mimetype=content_type, max_age=3600)
    response.cache_control.public, response.cache_control.private = False, True  # a resident's photo: no proxy
    return response


@bp.post("/reports/<int:ticket_id>/status")
@requires("reports.work")
def report_status(ticket_id: int) -> Any:
    status, note = request.form.get("status", ""), request.form.get("note", "")
    return _work(ticket_id, "report.status", f"{status} {note}".strip(), "已改为“{status}”，已发消息告诉居民。",
                 lambda db, t, me: tickets.change_status(db, t, status, note, me.name, utcnow()), status=status)


@bp.post("/reports/<int:ticket_id>/assign")
@requires("reports.work")
def report_assign(ticket_id: int) -> Any:
    worker = request.form.get("other", "").strip() or request.form.get("worker", "")
    link = tickets.page_link(_settings().PUBLIC_URL)
    return _work(ticket_id, "report.assign", worker, "已转交。",
                 lambda db, t, me: tickets.assign(db, t, worker, me.name, utcnow(), link))


@bp.post("/reports/<int:ticket_id>/note")
@requires("reports.work")
def report_note(ticket_id: int) -> Any:
    note = request.form.get("note", "")
    return _work(ticket_id, "report.note", note[:60], "内部备注已记下（居民看不到）。",
                 lambda db, t, me: tickets.add_note(t, note, me.name, utcnow()))


@bp.post("/reports/<int:ticket_id>/follow-up")
@requires("reports.work")
def report_follow_up(ticket_id: int) -> Any:
    note = request.form.get("note", "")
    return _work(ticket_id, "report.follow_up", note[:60], "回访已记下。",
                 lambda db, t, me: tickets.close_follow_up(t, note, me.name, utcnow()))


def _work(ticket_id: int, action: str, detail: str, done: str, change: Any, **words: str) -> Any:
    """One change through the service, audited with it; a refusal keeps the report as it was."""
    try:
        with database().transaction() as db:
            me = db.get(StaffAccount, current_user.id)
            ticket = _visible(db, me, ticket_id)
            change(db, ticket, me)
            audit.record(db, who=me, action=action, now=utcnow(), target=f"ticket:{ticket.number}",
                         detail=detail, ip=client_ip())
        flash(done.format(**words), "ok")
    except ServiceError as error:
        flash(str(error), "error")
    return redirect(url_for("console.report_page", ticket_id=ticket_id))


def _visible(db: Session, me: StaffAccount, ticket_id: int) -> Ticket:
    """A report of another grid does not exist for a grid worker."""
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or not tickets.may_see(me, _services(), ticket):
        abort(404)
    return ticket


def _workers(db: Session, ticket: Ticket) -> list[StaffAccount]:
    """Who a report can go to: this grid's workers first, then the office."""
    grid = _services().grid(ticket.grid)
    people = db.scalars(select(StaffAccount).where(StaffAccount.active.is_(True), StaffAccount.role.in_(
        (Role.GRID, Role.STAFF, Role.ADMIN))).order_by(StaffAccount.name)).all()
    return sorted(people, key=lambda a: not (grid and a.role == Role.GRID and grid.number in (a.grids or [])))


def _filters(db: Session) -> tickets.Filters:
    args = _args()
    age = args["age"]
    days = int(age[3:]) if age[3:].isdigit() else 0
    return tickets.Filters(
        grids=tickets.visible_grids(db.get(StaffAccount, current_user.id), _services()), grid=args["grid"],
        category=args["category"], status=args["status"], late_only=args["late"] == "1",
        newer_than_days=days if age.startswith("new") else 0, older_than_days=days if age.startswith("old") else 0)


def _args() -> dict[str, str]:
    """The filters as asked; with none at all, what still needs work (未办结)."""
    given = {k: request.args.get(k, "") for k in ("grid", "category", "status", "age", "late")}
    if not any(given.values()) and "status" not in request.args:
        given["status"] = tickets.OPEN
    return given


def _my_grids() -> list[str]:
    """The grids offered in the filter: a grid worker's own, or all."""
    services = _services()
    return tickets.visible_grids(current_user, services) or [g.name for g in services.grids]


def _follow_up(ticket: Ticket) -> str:
    if ticket.follow_up_at is None:
        return ""
    return f"已回访：{ticket.follow_up_note}" if ticket.follow_up_closed_at else "待回访"


def _settings() -> Any:
    return current_app.extensions["community"].settings


def _services() -> Any:
    return current_app.extensions["community"].library.current().services


@bp.app_template_filter("ago")
def ago(moment: datetime) -> str:
    """How long ago, as staff say it: 35分钟前, 5小时前, 3天前."""
    minutes = int((utcnow() - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}分钟前"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时前"
    return f"{minutes // (24 * 60)}天前"

