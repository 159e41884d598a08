"""Residents and their audience tags: search (masked), add or remove a tag, see subscriptions and sign-ups."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database
from bot.knowledge.chinese import mask_name, mask_phone
from bot.models import Enrollment, StaffAccount, User, utcnow
from bot.services import audit, enrollments, residents, subscriptions


@bp.get("/residents")
@requires("residents")
def resident_list() -> Any:
    with database().transaction() as db:
        found = [_row(user) for user in _search(db)]
    return render_template("console/residents.html", found=found, tags=_tags(), args=request.args,
                           limit=residents.SEARCH_LIMIT)


@bp.get("/residents.xlsx")
@requires("residents")
def resident_export() -> Any:
    with database().transaction() as db:
        rows = [(r["name"], r["phone"], "、".join(r["tags"]), "是" if r["subscribed"] else "否")
                for r in map(_row, _search(db, limit=None))]
        return xlsx_response(db, name="居民", target="residents", sheets=[
            ("居民", ["姓名", "电话", "标签", "关注中"], rows)])


@bp.get("/residents/<int:user_id>")
@requires("residents")
def resident_view(user_id: int) -> Any:
    calendar = _snapshot().calendar
    with database().transaction() as db:
        user = db.get(User, user_id) or abort(404)
        topics = sorted(subscriptions.topics_of(db, user))
        names = {t.id: t.name for t in calendar.topics}
        classes = [(_class_name(row.class_id), row.status) for row in db.scalars(
            select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.status.in_(enrollments.ACTIVE)))]
        context = {"resident": _row(user), "topics": [names.get(t, t) for t in topics], "classes": classes}
    return render_template("console/resident.html", tags=_tags(), **context)


@bp.post("/residents/<int:user_id>/tags")
@requires("residents.tags")
def resident_tag(user_id: int) -> Any:
    tag, present = request.form.get("tag", ""), request.form.get("action") == "add"
    if tag not in _tags():
        flash(f"没有“{tag}”这个标签，请从列表里选（标签在 faq/audiences.yaml）。", "error")
        return redirect(url_for("console.resident_view", user_id=user_id))
    with database().transaction() as db:
        user = db.get(User, user_id) or abort(404)
        residents.set_tag(db, user, tag, present)
        audit.record(db, who=db.get(StaffAccount, current_user.id), action="resident.tag", now=utcnow(),
                     target=f"user:{user.id}", detail=("加上" if present else "去掉") + tag, ip=client_ip())
    flash(("已加上标签：" if present else "已去掉标签：") + tag, "ok")
    return redirect(url_for("console.resident_view", user_id=user_id))


def _search(db: Any, limit: int | None = residents.SEARCH_LIMIT) -> list[User]:
    return residents.search(db, request.args.get("q", ""), tag=request.args.get("tag", ""), limit=limit)


def _row(user: User) -> dict[str, Any]:
    """What staff see of a resident: masked name and phone, never the full ones here."""
    return {"id": user.id, "name": mask_name(user.name) if user.name else "（没留名字）",
            "phone": mask_phone(user.phone) if user.phone else "", "tags": sorted(user.tag_names),
            "subscribed": user.subscribed}


def _class_name(class_id: str) -> str:
    klass = _snapshot().services.klass(class_id)
    return klass.name if klass else class_id


def _tags() -> list[str]:
    return list(_snapshot().calendar.tags)


def _snapshot() -> Any:
    return current_app.extensions["community"].library.current()
