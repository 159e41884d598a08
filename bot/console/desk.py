"""The 代办 desk: the day's bookings at the window, cases from 材料已收 to 已办结, capacity and closures."""
from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database, now_local, signed_in
from bot.content.services import Services
from bot.knowledge.chinese import day_label, mask_phone
from bot.models import Arrival, Booking, Case, CaseStatus, utcnow
from bot.services import audit, bookings, cases
from bot.services.errors import NotAllowed, NotFound, ServiceError

DESK_HEADERS = ["预约号", "时间", "座号", "事项", "姓名", "电话", "到没到", "办件号", "办件状态"]
CASE_HEADERS = ["办件号", "事项", "姓名", "电话", "状态", "材料收齐", "承诺办结", "超期", "缺的材料", "来源"]
PERIODS = {"": "全天", "am": "上午", "pm": "下午"}


def _services() -> Services:
    return current_app.extensions["community"].library.current().services


def _today() -> date:
    return utcnow().astimezone(current_app.extensions["community"].settings.tz).date()



def _record(db: Session, action: str, target: str = "", detail: str = "") -> None:
    audit.record(db, who=signed_in(db), action=action, now=utcnow(), target=target, detail=detail, ip=client_ip())


def _day_arg() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return _today()


def _desk_entries(db: Session) -> tuple[date, str, list[bookings.DeskEntry]]:
    day, query = _day_arg(), request.args.get("q", "").strip()
    services = _services()
    entries = bookings.desk_find(db, services, query) if query else bookings.desk_day(db, services, day)
    return day, query, entries


# --- the day's bookings --------------------------------------------------------------------


@bp.get("/desk")
@requires("desk")
def desk() -> Any:
    with database().transaction() as db:
        day, query, entries = _desk_entries(db)
        _record(db, "desk.view", detail=f"查找 {query}" if query else f"{day}")
    groups = [(slot, list(rows)) for slot, rows in groupby(entries, key=lambda e: e.slot)]
    return render_template("console/desk.html", day=day, query=query, groups=groups, label=day_label(day),
                           today=_today())


@bp.get("/desk.xlsx")
@requires("desk")
def desk_export() -> Any:
    with database().transaction() as db:
        day, query, entries = _desk_entries(db)
        rows = [(e.number, e.slot, e.seat, e.item, e.name, e.phone, e.state, e.case_number, e.case_status)
                for e in entries]
        return xlsx_response(db, name=f"预约-{query or day}", target="bookings", sheets=[
            ("预约", DESK_HEADERS, rows)])


@bp.post("/desk/<int:booking_id>/attendance")
@requires("desk.edit")
def desk_attendance(booking_id: int) -> Any:
    choice = request.form.get("attendance", "")
    back = request.form.get("back") or url_for("console.desk")
    if choice not in set(Arrival):
        flash("请选“到了”或“未到”。", "error")
        return redirect(back)
    try:
        with database().transaction() as db:
            booking = db.get(Booking, booking_id) or abort(404)
            bookings.mark_attendance(booking, Arrival(choice), utcnow())
            _record(db, "booking.attendance", f"booking:{booking.number}", choice)
        flash(f"{booking.number}：{choice}。", "ok")
    except NotAllowed as error:
        flash(str(error), "error")
    return redirect(back)


@bp.post("/desk/<int:booking_id>/case")
@requires("desk.edit")
def desk_take_in(booking_id: int) -> Any:
    """The resident is at the window with their papers: a case, and they are marked 到了."""
    try:
        with database().transaction() as db:
            booking = db.get(Booking, booking_id) or abort(404)
            case = cases.from_booking(db, booking, services=_services(), missing=request.form.get("missing", ""),
                                      by=signed_in(db).name, now=utcnow(), tz=now_local().tzinfo)
            _record(db, "case.open", f"case:{case.number}", f"预约{booking.number} {case.status}")
            case_id, number = case.id, case.number
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(request.form.get("back") or url_for("console.desk"))
    flash(f"已建办件 {number}，居民会在微信里收到通知。", "ok")
    return redirect(url_for("console.case_page", case_id=case_id))


# --- cases ---------------------------------------------------------------------------------


def _case_filters() -> dict[str, Any]:
    return {"status": request.args.get("status", ""), "item": request.args.get("item", ""),
            "overdue": request.args.get("overdue") == "1"}


def _case_row(case: Case, services: Services, today: date) -> dict[str, Any]:
    item = services.item(case.service_id)
    return {"case": case, "item": item.name if item else case.service_id, "phone": mask_phone(case.phone),
            "late": cases.is_overdue(case, today), "due": day_label(case.due_on) if case.due_on else "—"}


@bp.get("/cases")
@requires("desk")
def case_list() -> Any:
    filters, today, services = _case_filters(), _today(), _services()
    with database().transaction() as db:
        rows = [_case_row(c, services, today) for c in cases.listing(db, today=today, **filters)]
        _record(db, "case.list", detail=request.query_string.decode())
    return render_template("console/cases.html", rows=rows, filters=filters, statuses=list(CaseStatus),
                           items=services.items, args=request.args)


@bp.get("/cases.xlsx")
@requires("desk")
def case_export() -> Any:
    filters, today, services = _case_filters(), _today(), _services()
    with database().transaction() as db:
        rows = []
        for case in cases.listing(db, today=today, **filters):
            row = _case_row(case, services, today)
            rows.append((case.number, row["item"], case.name, row["phone"], case.status, case.received_on,
                         case.due_on, "超期" if row["late"] else "", case.missing,
                         "预约" if case.booking_id else "现场"))
        return xlsx_response(db, name="代办办件", target="cases", sheets=[("代办办件", CASE_HEADERS, rows)])


@bp.get("/cases/new")
@requires("desk.edit")
def case_new() -> Any:
    return render_template("console/case_new.html", items=_services().items, form={})


@bp.post("/cases/new")
@requires("desk.edit")
def case_create() -> Any:
    """A walk-in without a booking; a bad field keeps what was typed and says what is wrong."""
    form = request.form
    try:
        with database().transaction() as db:
            case = cases.walk_in(db, services=_services(), item_id=form.get("item", ""), name=form.get("name", ""),
                                 phone=form.get("phone", ""), missing=form.get("missing", ""), by=signed_in(db).name,
                                 now=utcnow(), tz=current_app.extensions["community"].settings.tz)
            _record(db, "case.open", f"case:{case.number}", f"现场 {case.status}")
            case_id, number, linked = case.id, case.number, case.user_id is not None
    except NotAllowed as error:
        flash(str(error), "error")
        return render_template("console/case_new.html", items=_services().items, form=form), 400
    flash(f"已建办件 {number}。" + ("已关联到这位居民的微信，每一步会通知他。" if linked
                                    else "这个电话没有关联微信，办好后请打电话通知。"), "ok")
    return redirect(url_for("console.case_page", case_id=case_id))


@bp.get("/cases/<int:case_id>")
@requires("desk")
def case_page(case_id: int) -> Any:
    return _case_page(case_id)


@bp.post("/cases/<int:case_id>/phone")
@requires("phone.reveal")
def case_phone(case_id: int) -> Any:
    """Showing the applicant's phone is a deliberate, audited act."""
    with database().transaction() as db:
        case = db.get(Case, case_id) or abort(404)
        _record(db, "phone.view", f"case:{case.number}")
        phone = case.phone
    return _case_page(case_id, phone=phone or "（没有留电话）")


@bp.post("/cases/<int:case_id>/status")
@requires("desk.edit")
def case_status(case_id: int) -> Any:
    status = request.form.get("status", "")
    try:
        with database().transaction() as db:
            case = db.get(Case, case_id) or abort(404)
            cases.change_status(db, case, status, services=_services(), note=request.form.get("note", ""),
                                missing=request.form.get("missing", ""), by=signed_in(db).name, now=utcnow(),
                                tz=current_app.extensions["community"].settings.tz)
            _record(db, "case.status", f"case:{case.number}", status)
    except ServiceError as error:
        flash(str(error), "error")
        return _case_page(case_id, form=request.form), 400
    flash(f"已改为“{status}”。", "ok")
    return redirect(url_for("console.case_page", case_id=case_id))


def _case_page(case_id: int, phone: str | None = None, form: Any = None) -> Any:
    services, today = _services(), _today()
    with database().transaction() as db:
        case = db.get(Case, case_id) or abort(404)
        row = _case_row(case, services, today)
        booking = db.get(Booking, case.booking_id) if case.booking_id else None
        _record(db, "case.view", f"case:{case.number}")
        context = {**row, "row_phone": row["phone"], "booking": booking, "events": list(case.events), "phone": phone,
                   "next": cases.NEXT[case.status], "form": form or {},
                   "promise": cases.promise(case, services.item(case.service_id))}
    return render_template("console/desk_case.html", **context)


# --- places per half-day and local closures ------------------------------------------------------


@bp.get("/desk/settings")
@requires("desk.settings")
def desk_settings() -> Any:
    return _settings_page()


@bp.post("/desk/settings/capacity")
@requires("desk.settings")
def desk_capacity() -> Any:
    text = request.form.get("places", "")
    try:
        with database().transaction() as db:
            before = bookings.rules_in_force(db, _services().booking).per_half_day
            places = bookings.set_capacity(db, text, utcnow())
            _record(db, "desk.capacity", "booking_rules", f"{before} → {places}")
    except NotAllowed as error:
        flash(str(error), "error")
        return _settings_page(typed=text), 400
    flash(f"每个半天{places}个名额。已约的不受影响。", "ok")
    return redirect(url_for("console.desk_settings"))


@bp.post("/desk/settings/closures")
@requires("desk.settings")
def desk_closure_add() -> Any:
    form = request.form
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        flash("请选择日期。", "error")
        return _settings_page(), 400
    period = form.get("period", "") if form.get("period", "") in PERIODS else ""
    try:
        with database().transaction() as db:
            me = signed_in(db)
            bookings.add_closure(db, day=day, period=period, reason=form.get("reason", ""), by=me.name,
                                 today=_today(), now=utcnow())
            _record(db, "desk.closure", f"closure:{day}", f"闭馆 {PERIODS[period]} {form.get('reason', '')}")
    except NotAllowed as error:
        flash(str(error), "error")
        return _settings_page(), 400
    flash(f"{day_label(day, period or None)}不开放预约。", "ok")
    return redirect(url_for("console.desk_settings"))


@bp.post("/desk/settings/closures/delete")
@requires("desk.settings")
def desk_closure_remove() -> Any:
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        with database().transaction() as db:
            closure = bookings.remove_closure(db, day, request.form.get("period", ""))
            _record(db, "desk.closure", f"closure:{day}", f"取消闭馆 {PERIODS.get(closure.period, '')}")
    except (ValueError, NotFound):
        flash("没有这个闭馆日。", "error")
        return redirect(url_for("console.desk_settings"))
    flash(f"{day_label(day)}恢复开放预约。", "ok")
    return redirect(url_for("console.desk_settings"))


def _settings_page(typed: str = "") -> Any:
    rules = _services().booking
    with database().transaction() as db:
        in_force = bookings.rules_in_force(db, rules)
        closures = bookings.closures(db, _today())
        shown = [(c, day_label(c.day, c.period or None)) for c in closures]
    return render_template("console/desk_settings.html", places=typed or in_force.per_half_day,
                           file_places=rules.per_half_day, file_closures=[day_label(d) for d in rules.closures],
                           closures=shown, periods=PERIODS, most=bookings.MOST_PLACES)
