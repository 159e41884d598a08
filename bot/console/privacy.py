"""The privacy desk (look a resident up, hand over or delete their data) and the public 个人信息处理说明."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database, signed_in
from bot.knowledge.chinese import mask_phone
from bot.models import User, utcnow
from bot.services import audit, privacy, residents

notice = Blueprint("notice", __name__, template_folder="templates")
CONFIRM_WORD = "删除"


@bp.get("/privacy")
@requires("privacy")
def privacy_desk() -> Any:
    """Looking someone up shows masked values only; the search itself is audited (it is a view of personal data)."""
    query = request.args.get("q", "").strip()
    found: list[privacy.Found] = []
    with database().transaction() as db:
        if query:
            found = privacy.find(db, query)
            audit.record(db, who=signed_in(db), action="privacy.lookup", now=utcnow(), target="users",
                         detail=f"{_masked(query)} → {len(found)}人", ip=client_ip())
        return render_template("console/privacy.html", query=query, found=found)


@bp.get("/privacy/<int:user_id>")
@requires("privacy")
def privacy_resident(user_id: int) -> Any:
    with database().transaction() as db:
        user = db.get(User, user_id) or abort(404)
        found = privacy.describe(db, user)
        sheets = privacy.held_about(db, user)
        audit.record(db, who=signed_in(db), action="privacy.view", now=utcnow(), target=f"user:{user_id}",
                     ip=client_ip())
        return render_template("console/privacy_resident.html", found=found,
                               counts=[(title, len(rows)) for title, _, rows in sheets], confirm_word=CONFIRM_WORD)


@bp.get("/privacy/<int:user_id>.xlsx")
@requires("privacy")
def privacy_export(user_id: int) -> Any:
    """The access request: every record held about the resident, one sheet per kind; audited as an export."""
    tz = current_app.extensions["community"].settings.tz
    with database().transaction() as db:
        user = db.get(User, user_id) or abort(404)
        sheets = [(title, list(headers), [tuple(_local(value, tz) for value in row) for row in rows])
                  for title, headers, rows in privacy.held_about(db, user)]
        return xlsx_response(db, name=f"个人信息-居民{user_id}", target=f"user:{user_id}", sheets=sheets)


@bp.post("/privacy/<int:user_id>/delete")
@requires("privacy")
def privacy_delete(user_id: int) -> Any:
    """删除 on the resident's behalf: the same erasure as their own 删除我的信息, after the word is typed."""
    if request.form.get("confirm", "").strip() != CONFIRM_WORD:
        flash(f"没有删除：请在框里输入“{CONFIRM_WORD}”两个字再点。", "error")
        return redirect(url_for("console.privacy_resident", user_id=user_id))
    with database().transaction() as db:
        user = db.get(User, user_id) or abort(404)
        residents.forget(db, user, current_app.extensions["community"].library.current().services)
        audit.record(db, who=signed_in(db), action="privacy.delete", now=utcnow(), target=f"user:{user_id}",
                     detail=f"应居民申请 {request.form.get('reason', '').strip()[:60]}".strip(), ip=client_ip())
    flash(f"居民{user_id}的姓名、电话、照片、位置和对话记录已删除；上报的问题继续办理。", "ok")
    return redirect(url_for("console.privacy_desk"))


@notice.get("/privacy")
def privacy_notice() -> Any:
    """Public: the consent line links here; the periods are the running settings, not a copy."""
    settings = current_app.extensions["community"].settings
    return render_template("console/privacy_notice.html", s=settings)



def _masked(query: str) -> str:
    """What the audit keeps of a search: a phone masked, a name by its first character."""
    digits = query.replace(" ", "").replace("-", "")
    return mask_phone(digits) if digits.isdigit() else f"{query[0]}*"


def _local(value: Any, tz: Any) -> Any:
    return value.astimezone(tz) if hasattr(value, "astimezone") and getattr(value, "tzinfo", None) else value
