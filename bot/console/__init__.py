"""The staff console at /console: server-rendered, mobile-first, signed in, every change audited."""
from __future__ import annotations

from flask import Flask

from bot.console import (  # noqa: F401  (their views register on bp)
    accounts,
    announcements,
    audit_log,
    auth,
    classes,
    dashboard,
    desk,
    gaps,
    inbox,
    kindergarten,
    knowledge,
    privacy,
    reports,
    residents,
    statistics,
)
from bot.console.web import SESSION_LIFETIME, bp, csrf, login_manager


def init_app(app: Flask) -> None:
    production = app.extensions["community"].settings.production
    app.config.update(
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME, SESSION_COOKIE_HTTPONLY=True,
        # Only a response that changed the session sends it: a slow one begun before a change (a photo, a poll)
        # would otherwise put the older session back (a lost 已保存 message, an undone sign-out).
        SESSION_REFRESH_EACH_REQUEST=False,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=production,
        WTF_CSRF_CHECK_DEFAULT=False,  # only the console's forms; WeChat's POSTs carry signatures instead
        WTF_CSRF_TIME_LIMIT=None,  # the session's own lifetime bounds the token
    )
    login_manager.init_app(app)
    login_manager.login_view = "console.login"
    login_manager.login_message = "请先登录。"
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(privacy.notice)
