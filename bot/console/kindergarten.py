"""幼儿园: the places left this year (audited edit), and the pre-registration waiting list by start autumn."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database, signed_in
from bot.knowledge.chinese import mask_phone
from bot.models import PreRegistration, PreRegistrationStatus, utcnow
from bot.services import audit, kindergarten
from bot.services.errors import NotAllowed

HEADERS = ("入园秋季", "顺序", "孩子", "出生", "年龄", "家长", "电话", "状态", "登记时间")
DOCUMENTS_ENTRY = "kindergarten.documents"
ACTIONS = ((PreRegistrationStatus.NOTIFIED, "已通知"), (PreRegistrationStatus.ENTERED, "已入园"),
           (PreRegistrationStatus.CANCELLED, "已取消"))


@bp.get("/kindergarten")
@requires("kindergarten")
def kindergarten_page() -> Any:
    return _page()


@bp.post("/kindergarten/places")
@requires("kindergarten.edit")
def kindergarten_places() -> Any:
    """A number out of range (or none) keeps the old one and shows what was typed, with why."""
    form, years = request.form, _years()
    try:
        year, left = int(form.get("year", "")), int(form.get("left", "").strip())
        if year not in years:
            raise ValueError(year)
    except ValueError:
        flash("剩余学位要填一个整数（没有了填0），没有保存。", "error")
        return _page(draft=form), 400
    try:
        with database().transaction() as db:
            saved = kindergarten.set_places(db, _faq_dir(), year=year, left=left, who=signed_in(db), today=_today(),
                                            now=utcnow(), ip=client_ip())
    except NotAllowed as error:
        flash(f"{error}没有保存。", "error")
        return _page(draft=form), 400
    flash(f"已保存：{saved.year}年秋季学期还剩{saved.left}个学位（{saved.counted_on.month}月{saved.counted_on.day}日更新）。"
          "居民问“还有没有学位”时就答这个数。", "ok")
    return redirect(url_for("console.kindergarten_page"))


@bp.post("/kindergarten/<int:registration_id>/phone")
@requires("phone.reveal")
def kindergarten_phone(registration_id: int) -> Any:
    """A parent's phone is shown only on purpose, and that is logged."""
    with database().transaction() as db:
        row = db.get(PreRegistration, registration_id) or abort(404)
        audit.record(db, who=signed_in(db), action="phone.view", now=utcnow(), target=f"preregistration:{row.id}",
                     detail="幼儿园预登记", ip=client_ip())
        revealed = {row.id: row.phone or "（没有留电话）"}
    return _page(revealed=revealed)


@bp.post("/kindergarten/<int:registration_id>/status")
@requires("kindergarten.edit")
def kindergarten_status(registration_id: int) -> Any:
    status = request.form.get("status", "")
    try:
        with database().transaction() as db:
            row = db.get(PreRegistration, registration_id) or abort(404)
            documents = _snapshot().knowledge.entries.get(DOCUMENTS_ENTRY)
            kindergarten.set_status(db, row, status, who=signed_in(db), now=utcnow(), ip=client_ip(),
                                    documents=documents.answer if documents else "")
            child, told = row.child or "", status == PreRegistrationStatus.NOTIFIED and row.user_id is not None
    except NotAllowed as error:
        flash(f"{error}没有改。", "error")
        return redirect(url_for("console.kindergarten_page"))
    told_parent = "已给家长发微信消息，请他们带材料来办理。" if told else ""
    flash(f"{child}：{kindergarten.STATUS_TEXT[status]}。{told_parent}", "ok")
    return redirect(url_for("console.kindergarten_page"))


@bp.get("/kindergarten.xlsx")
@requires("kindergarten")
def kindergarten_export() -> Any:
    """The waiting list as the 台账: full names, phones masked."""
    with database().transaction() as db:
        rows = [(f"{year}年", i, row.child or "", _birth(row.birth), _age(row.birth), row.name or "",
                 mask_phone(row.phone), kindergarten.STATUS_TEXT[row.status], row.created_at.astimezone(_tz()))
                for year, listed in kindergarten.waiting_list(db).items() for i, row in enumerate(listed, 1)]
        return xlsx_response(db, name="幼儿园预登记", target="kindergarten", sheets=[("预登记", HEADERS, rows)])


def _page(revealed: dict[int, str] | None = None, draft: Any = None) -> Any:
    years = _years()
    with database().transaction() as db:
        counts = {year: kindergarten.places(db, _faq_dir(), year) for year in years}
        waiting = kindergarten.waiting_list(db)
        audit.record(db, who=signed_in(db), action="roster.view", now=utcnow(), target="kindergarten", ip=client_ip())
    return render_template("console/kindergarten.html", years=years, counts=counts, waiting=waiting,
                           revealed=revealed or {}, draft=draft, mask_phone=mask_phone, birth=_birth, age=_age,
                           status_text=kindergarten.STATUS_TEXT, actions=ACTIONS)


def _years() -> list[int]:
    """This school year and the next (filled in ahead of June's registration)."""
    this = kindergarten.school_year(_faq_dir(), _today())
    return [this, this + 1]


def _birth(born: date | None) -> str:
    return f"{born.year}年{born.month}月" if born else ""


def _age(born: date | None) -> str:
    if born is None:
        return ""
    today = _today()
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    return f"{months // 12}岁" + (f"{months % 12}个月" if months % 12 else "")


def _snapshot() -> Any:
    return current_app.extensions["community"].library.current()


def _faq_dir() -> Path:
    return Path(current_app.extensions["community"].settings.FAQ_DIR)


def _tz() -> Any:
    return current_app.extensions["community"].settings.tz


def _today() -> date:
    return utcnow().astimezone(_tz()).date()

