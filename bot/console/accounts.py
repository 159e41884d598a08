"""Accounts and roles (admins only)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from bot.console.permissions import requires
from bot.console.web import bp, database
from bot.models import StaffAccount, utcnow
from bot.services import accounts


@bp.route("/accounts", methods=["GET", "POST"])
@requires("accounts")
def account_list() -> Any:
    created = None
    if request.method == "POST":
        try:
            with database().transaction() as db:
                first = accounts.create(db, username=request.form.get("username", ""),
                                        name=request.form.get("name", ""), role=request.form.get("role", ""),
                                        grids=_grids(request.form.get("grids", "")), now=utcnow(),
                                        by=db.get(StaffAccount, current_user.id))
            created = (request.form["username"].strip(), first)
        except accounts.AccountError as error:
            flash(str(error), "error")
    with database().transaction() as db:
        rows = db.scalars(select(StaffAccount).order_by(StaffAccount.active.desc(), StaffAccount.id)).all()
    return render_template("console/accounts.html", accounts=rows, roles=accounts.ROLE_NAMES, created=created)


@bp.post("/accounts/<int:account_id>")
@requires("accounts")
def account_update(account_id: int) -> Any:
    reset = None
    try:
        with database().transaction() as db:
            account = db.get(StaffAccount, account_id) or abort(404)
            me = db.get(StaffAccount, current_user.id)
            action = request.form.get("action")
            if action == "reset":
                reset = (account.username, accounts.reset_password(db, account, me, utcnow()))
            else:
                accounts.update(db, account, by=me, now=utcnow(), role=request.form.get("role"),
                                grids=_grids(request.form.get("grids", "")),
                                active=request.form.get("active") == "1")
    except accounts.AccountError as error:
        flash(str(error), "error")
    if reset:
        flash(f"{reset[0]} 的新初始密码：{reset[1]}（登录后必须修改）", "ok")
    return redirect(url_for("console.account_list"))


def _grids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace("，", ",").replace(" ", ",").split(",") if part]
    except ValueError:
        raise accounts.AccountError("网格请填数字，例如 1 或 3,4。") from None
