"""Sign in, sign out, the forced first password change, and binding one's WeChat."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from bot.console.permissions import requires
from bot.console.web import ConsoleUser, bp, client_ip, database, renew_session
from bot.models import StaffAccount, utcnow
from bot.services import accounts, audit


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("console/login.html")
    with database().transaction() as db:
        account, refused = accounts.sign_in(db, request.form.get("username", ""),
                                            request.form.get("password", ""), utcnow(), client_ip())
        user = ConsoleUser(account) if account is not None else None
    if user is None:
        flash(refused, "error")
        return render_template("console/login.html", username=request.form.get("username", "")), 401
    session.permanent = True  # expires after SESSION_LIFETIME
    login_user(user)
    renew_session()
    wanted = request.args.get("next", "")
    return redirect(wanted if wanted.startswith("/console") else url_for("console.dashboard"))


@bp.post("/logout")
def logout() -> Any:
    with database().transaction() as db:
        audit.record(db, who=_account(db), action="signout", now=utcnow(), ip=client_ip())
    logout_user()
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires("profile")
def password() -> Any:
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("again", ""):
            flash("两次输入的新密码不一样。", "error")
        else:
            try:
                with database().transaction() as db:
                    accounts.change_password(db, _account(db), request.form.get("old", ""), new, utcnow())
                flash("密码已修改。", "ok")
                return redirect(url_for("console.dashboard"))
            except accounts.AccountError as error:
                flash(str(error), "error")
    return render_template("console/password.html", forced=current_user.must_change_password)


@bp.route("/me", methods=["GET", "POST"])
@requires("profile")
def profile() -> Any:
    code = None
    with database().transaction() as db:
        account = _account(db)
        if request.method == "POST":
            code = accounts.new_bind_code(db, account, utcnow())
        bound = account.openid is not None
    return render_template("console/profile.html", code=code, bound=bound,
                           minutes=int(accounts.BIND_CODE_VALID.total_seconds() // 60))


def _account(db: Any) -> StaffAccount:
    return db.get(StaffAccount, current_user.id)
