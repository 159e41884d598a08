"""Classes: rosters with the waiting list, contact on an audited click, attendance, the term, 下雨改室内."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database, signed_in
from bot.content.calendar import ClassTimes
from bot.content.services import ClassInfo
from bot.knowledge.chinese import mask_phone
from bot.models import Enrollment, utcnow
from bot.services import attendance, audit, class_terms, enrollments, reminders
from bot.services.errors import NotAllowed

ROSTER_HEADERS = ("序号", "状态", "姓名", "电话", "年龄", "报名时间", "出勤次数")


@bp.get("/classes")
@requires("classes")
def class_list() -> Any:
    with database().transaction() as db:
        rows = _class_rows(db)
    return render_template("console/classes.html", rows=rows)


@bp.get("/classes.xlsx")
@requires("classes")
def class_list_export() -> Any:
    with database().transaction() as db:
        rows = [(k.name, k.schedule, k.place, k.rain_place, k.term_start, k.weeks, k.capacity, enrolled, waiting)
                for k, enrolled, waiting in _class_rows(db)]
        return xlsx_response(db, name="班级", target="classes", sheets=[
            ("班级", ["班", "时间", "地点", "下雨地点", "本期开始", "周数", "名额", "已报名", "候补"], rows)])


@bp.get("/classes/<class_id>")
@requires("classes")
def class_roster(class_id: str) -> Any:
    return _roster_page(class_id)


@bp.post("/classes/<class_id>/phone/<int:enrollment_id>")
@requires("phone.reveal")
def class_phone(class_id: str, enrollment_id: int) -> Any:
    """A resident's phone on the roster is shown only on purpose, and that is logged."""
    with database().transaction() as db:
        row = db.get(Enrollment, enrollment_id)
        if row is None or row.class_id != class_id:
            abort(404)
        audit.record(db, who=signed_in(db), action="phone.view", now=utcnow(), target=f"enrollment:{row.id}",
                     detail=f"班级名单 {class_id}", ip=client_ip())
        revealed = {row.id: row.phone or "（没有留电话）"}
    return _roster_page(class_id, revealed=revealed)


@bp.get("/classes/<class_id>.xlsx")
@requires("classes")
def class_export(class_id: str) -> Any:
    """The roster and the waiting list as the 台账: full names, phones masked."""
    base, tz = _klass(class_id), _tz()
    with database().transaction() as db:
        klass = enrollments.current(db, base)
        enrolled, waiting = enrollments.roster(db, klass)
        came = attendance.tally(db, [row.id for row in enrolled])

        def lines(listed: list[Enrollment], status: str) -> list[tuple[Any, ...]]:
            return [(row.seat if status == "已报名" else f"候补{i}", status, row.name or "", mask_phone(row.phone),
                     row.age or "", row.created_at.astimezone(tz), came[row.id] if status == "已报名" else "")
                    for i, row in enumerate(listed, 1)]

        return xlsx_response(db, name=f"{klass.name}名单{klass.term}", target=f"roster:{klass.id}", sheets=[
            ("已报名", ROSTER_HEADERS, lines(enrolled, "已报名")), ("候补", ROSTER_HEADERS, lines(waiting, "候补"))])


@bp.post("/classes/<class_id>/term")
@requires("classes.edit")
def class_term(class_id: str) -> Any:
    """A bad value keeps the term as it was and shows what was typed, with why."""
    base, form = _klass(class_id), request.form
    try:
        term_start = date.fromisoformat(form.get("term_start", ""))
        weeks, capacity = int(form.get("weeks", "")), int(form.get("capacity", ""))
    except ValueError:
        flash("日期、周数或名额没填对，没有保存。", "error")
        return _roster_page(class_id, draft=form), 400
    try:
        with database().transaction() as db:
            change = class_terms.change(db, _snapshot().services, _snapshot().calendar, base, term_start=term_start,
                                        weeks=weeks, capacity=capacity, new_term=form.get("new_term") == "1",
                                        who=signed_in(db), now=utcnow(), ip=client_ip())
            promoted = len(change.promoted)
    except NotAllowed as error:
        flash(f"{error}没有保存。", "error")
        return _roster_page(class_id, draft=form), 400
    reminders.plan(database(), _snapshot().calendar, _settings(), utcnow(), since=utcnow())  # sessions now in term
    flash("已保存：" + class_terms.describe(change.after)
          + (f"。候补的{promoted}人已经补上，会收到通知。" if promoted else "。"), "ok")
    return redirect(url_for("console.class_roster", class_id=class_id))


@bp.get("/classes/<class_id>/rain")
@requires("classes.edit")
def class_rain(class_id: str) -> Any:
    """What 下雨改室内 would do, with the button that does it: nothing changes before the confirmation."""
    try:
        with database().transaction() as db:
            plan = reminders.plan_rain(db, _snapshot().calendar, _times(class_id).id, utcnow(), _settings())
    except NotAllowed as error:
        flash(str(error), "error")
        return redirect(url_for("console.class_roster", class_id=class_id))
    return render_template("console/class_rain.html", plan=plan)


@bp.post("/classes/<class_id>/rain")
@requires("classes.edit")
def class_rain_confirm(class_id: str) -> Any:
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        with database().transaction() as db:
            moved = reminders.flag_rain(db, _snapshot().calendar, _times(class_id).id, utcnow(), _settings(), day=day)
            audit.record(db, who=signed_in(db), action="class.rain", now=utcnow(), target=f"class:{class_id}",
                         detail=f"{day:%Y-%m-%d} 改到{moved.times.info.rain_place}，通知{moved.told}人", ip=client_ip())
    except (ValueError, NotAllowed) as error:
        flash(str(error) if isinstance(error, NotAllowed) else "没有改：日期不对。", "error")
        return redirect(url_for("console.class_roster", class_id=class_id))
    info = moved.times.info
    flash(f"已改：{info.name}{day.month}月{day.day}日在{info.rain_place}上课。提醒里会写明；"
          f"已经提醒过的{moved.told}人会再收到一条通知。", "ok")
    return redirect(url_for("console.class_roster", class_id=class_id))


@bp.get("/classes/<class_id>/attendance")
@requires("classes")
def class_attendance(class_id: str) -> Any:
    with database().transaction() as db:
        times, days, enrolled = _sessions_so_far(db, class_id)
        chosen = _day(request.args.get("day", ""), days[-1] if days else None)
        marked = attendance.marks(db, class_id, chosen) if chosen else {}
        audit.record(db, who=signed_in(db), action="roster.view", now=utcnow(), target=f"class:{class_id}",
                     detail=f"点名 {chosen or ''}", ip=client_ip())
    return render_template("console/class_attendance.html", klass=times.info, days=days, day=chosen,
                           enrolled=enrolled, marked=marked)


@bp.post("/classes/<class_id>/attendance")
@requires("classes")
def class_attendance_save(class_id: str) -> Any:
    day = _day(request.form.get("day", ""), None)
    present = {int(value) for value in request.form.getlist("came") if value.isdigit()}
    try:
        if day is None:
            raise NotAllowed("没有选上课日期。")
        with database().transaction() as db:
            came, absent = attendance.record(db, _times(class_id), day, present, who=signed_in(db),
                                             today=utcnow().astimezone(_tz()).date(), now=utcnow(), ip=client_ip())
    except NotAllowed as error:
        flash(f"{error}没有保存。", "error")
        return redirect(url_for("console.class_attendance", class_id=class_id))
    flash(f"已保存{day.month}月{day.day}日的点名：到了{came}人，没到{absent}人。", "ok")
    return redirect(url_for("console.class_attendance", class_id=class_id, day=day.isoformat()))


@bp.get("/classes/<class_id>/attendance.xlsx")
@requires("classes")
def class_attendance_export(class_id: str) -> Any:
    """Everyone holding a seat by every session so far: 到 / 没到 / blank (not marked)."""
    with database().transaction() as db:
        times, days, enrolled = _sessions_so_far(db, class_id)
        by_day = {day: attendance.marks(db, class_id, day) for day in days}
        rows = [(row.seat, row.name or "", *({True: "到", False: "没到"}.get(by_day[d].get(row.id), "") for d in days))
                for row in enrolled]
        return xlsx_response(db, name=f"{times.info.name}出勤", target=f"attendance:{class_id}", sheets=[
            ("出勤", ["序号", "姓名", *(f"{d.month}月{d.day}日" for d in days)], rows)])


def _roster_page(class_id: str, revealed: dict[int, str] | None = None, draft: Any = None) -> Any:
    base = _klass(class_id)
    with database().transaction() as db:
        klass = enrollments.current(db, base)
        enrolled, waiting = enrollments.roster(db, klass)
        came = attendance.tally(db, [row.id for row in enrolled])
        audit.record(db, who=signed_in(db), action="roster.view", now=utcnow(), target=f"class:{class_id}",
                     ip=client_ip())
    times = _snapshot().calendar.classes.get(class_id)
    sessions = len(attendance.session_days(times, utcnow().astimezone(_tz()).date())) if times else 0
    return render_template("console/class.html", klass=klass, default=base, enrolled=enrolled, waiting=waiting,
                           came=came, sessions=sessions, revealed=revealed or {}, mask_phone=mask_phone,
                           draft=draft, has_times=times is not None)


def _sessions_so_far(db: Session, class_id: str) -> tuple[ClassTimes, list[date], list[Enrollment]]:
    """The class's times as its term stands, the session days up to today, and who holds a seat."""
    times = enrollments.current_times(db, _times(class_id))
    enrolled, _ = enrollments.roster(db, times.info)
    return times, attendance.session_days(times, utcnow().astimezone(_tz()).date()), enrolled


def _class_rows(db: Session) -> list[tuple[ClassInfo, int, int]]:
    """Each class as its term stands, with the seats taken and the waiting list's length."""
    rows = []
    for klass in _snapshot().services.classes:
        enrolled, waiting = enrollments.roster(db, klass)
        rows.append((enrollments.current(db, klass), len(enrolled), len(waiting)))
    return rows


def _day(text: str, default: date | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _snapshot() -> Any:
    return current_app.extensions["community"].library.current()


def _settings() -> Any:
    return current_app.extensions["community"].settings


def _tz() -> Any:
    return _settings().tz


def _klass(class_id: str) -> ClassInfo:
    return _snapshot().services.klass(class_id) or abort(404)


def _times(class_id: str) -> ClassTimes:
    return _snapshot().calendar.classes.get(class_id) or abort(404)

