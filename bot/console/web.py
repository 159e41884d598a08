"""The console's blueprint and what every page shares: sign-in, CSRF, the database, the menu."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from bot.console.permissions import allowed
from bot.db import Database
from bot.models import StaffAccount, utcnow

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
login_manager = LoginManager()
csrf = CSRFProtect()
SESSION_LIFETIME = timedelta(hours=8)
RENEW_AFTER = timedelta(minutes=10)  # how stale a session may get before a page view sends it again
OPEN_ENDPOINTS = {"console.login", "console.static"}


class ConsoleUser:
    """What a request knows of the signed-in account (a detached copy, read once per request)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: StaffAccount) -> None:
        self.id, self.name, self.username = account.id, account.name, account.username
        self.role, self.grids = account.role, list(account.grids or [])
        self.must_change_password, self.openid = account.must_change_password, account.openid

    def get_id(self) -> str:
        return str(self.id)


def database() -> Database:
    return current_app.extensions["community"].db


def client_ip() -> str:
    return request.headers.get("X-Real-IP") or request.remote_addr or ""


@login_manager.user_loader
def load_user(account_id: str) -> ConsoleUser | None:
    with database().transaction() as session:
        account = session.get(StaffAccount, int(account_id))
        return ConsoleUser(account) if account is not None and account.active else None


@bp.before_request
def guard() -> Any:
    """Every console page needs a signed-in account that has set its own password; every POST a CSRF token."""
    if request.method == "POST":
        csrf.protect()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in ("console.password", "console.logout"):
        return redirect(url_for("console.password"))
    if request.method == "GET":
        renew_session()
    return None


def renew_session() -> None:
    """Staff who keep working stay signed in: a page view re-sends the session (its 8 hours start again)
    once it is RENEW_AFTER old, not every response, so a slow response cannot put an older session back."""
    now = int(time.time())
    if now - session.get("renewed", 0) >= RENEW_AFTER.total_seconds():
        session["renewed"] = now


def signed_in(db: Any) -> StaffAccount:
    """The signed-in account, attached to ``db`` (for audit rows and ownership)."""
    return db.get(StaffAccount, current_user.id)


@bp.app_template_global()
def now_local() -> Any:
    return utcnow().astimezone(current_app.extensions["community"].settings.tz)


MENU = (("console.dashboard", "工作台", "dashboard"), ("console.inbox_list", "人工", "inbox"),
        ("console.report_list", "上报", "reports"),
        ("console.desk", "代办", "desk"), ("console.case_list", "办件", "desk"),
        ("console.class_list", "班级", "classes"), ("console.announcement_list", "公告", "announce"),
        ("console.kindergarten_page", "幼儿园", "kindergarten"),
        ("console.resident_list", "居民", "residents"),
        ("console.statistics_page", "统计", "statistics"), ("console.privacy_desk", "个人信息", "privacy"),
        ("console.account_list", "账号", "accounts"),
        ("console.knowledge_list", "问答", "knowledge"), ("console.gap_list", "没答上", "knowledge"),
        ("console.audit_list", "操作记录", "audit"), ("console.profile", "我的", "profile"))


@bp.app_template_global()
def console_menu() -> list[tuple[str, str, str]]:
    return [item for item in MENU if allowed(current_user.role, item[2])]
