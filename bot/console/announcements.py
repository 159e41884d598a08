"""Announcements: compose → audience with its size and the mass quota → preview → now or later → delivery report."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from bot.console.exports import xlsx_response
from bot.console.permissions import requires
from bot.console.web import bp, client_ip, database
from bot.content import texts
from bot.knowledge.chinese import mask_name
from bot.models import Announcement, Outbox, OutboxStatus, StaffAccount, User, utcnow
from bot.services import announcements, audit
from bot.services.errors import NotAllowed

RECENT = 30
RECIPIENTS_SHOWN = 200
STATUS_NAMES = {OutboxStatus.SENT: "已发", OutboxStatus.FAILED: "失败", OutboxStatus.SKIPPED: "未发",
                OutboxStatus.PENDING: "待发", OutboxStatus.CLAIMED: "待发", OutboxStatus.SENDING: "正在发",
                OutboxStatus.UNKNOWN: "不确定", OutboxStatus.SHOWN: "只显示（开发环境）"}


@bp.get("/announcements")
@requires("announce")
def announcement_list() -> Any:
    return _list_page()


@bp.get("/announcements.xlsx")
@requires("announce")
def announcement_list_export() -> Any:
    tz = _settings().tz
    with database().transaction() as db:
        authors = _authors(db)
        rows = [(row.id, row.created_at.astimezone(tz), authors.get(row.author, row.author), _label(row.audience),
                 row.text, _send_time(row, tz), total, sent) for row, total, sent in _recent(db, limit=None)]
        return xlsx_response(db, name="公告", target="announcements", sheets=[
            ("公告", ["编号", "写于", "发布人", "发给", "内容", "发送时间", "人数", "已发"], rows)])


@bp.post("/announcements/preview")
@requires("announce")
def announcement_preview() -> Any:
    """Every check the sending does, before anything is written; a refusal keeps what staff typed."""
    form = request.form
    try:
        text, audience, send_at = _checked(form)
        with database().transaction() as db:
            reach = announcements.reach(db, _calendar(), _settings(), audience, utcnow())
    except NotAllowed as error:
        flash(str(error), "error")
        return _list_page(draft=form), 400
    return render_template("console/announce_preview.html", text=text, audience=audience, reach=reach,
                           message=texts.ANNOUNCEMENT.format(text=text), send_at=send_at,
                           at=form.get("at", ""), when=form.get("when", "now"))


@bp.post("/announcements")
@requires("announce")
def announcement_send() -> Any:
    form = request.form
    try:
        text, audience, send_at = _checked(form)
        with database().transaction() as db:
            me = db.get(StaffAccount, current_user.id)
            row, count = announcements.announce(db, _calendar(), _settings(), author=me.name, text=text,
                                                audience=audience, now=utcnow(), send_at=send_at)
            audit.record(db, who=me, action="announce", now=utcnow(), target=f"announcement:{row.id}",
                         detail=f"{audience.label} {count}人 {text[:40]}", ip=client_ip())
            announcement_id = row.id
    except NotAllowed as error:  # the audience emptied or the time passed while staff read the preview
        flash(f"没有发出：{error}", "error")
        return _list_page(draft=form), 400
    flash(f"第{announcement_id}号公告已提交，共{count}人。", "ok")
    return redirect(url_for("console.announcement_view", announcement_id=announcement_id))


@bp.get("/announcements/<int:announcement_id>")
@requires("announce")
def announcement_view(announcement_id: int) -> Any:
    tz = _settings().tz
    with database().transaction() as db:
        row = db.get(Announcement, announcement_id) or abort(404)
        progress = announcements.progress(db, announcement_id)
        recipients = _recipients(db, announcement_id, limit=RECIPIENTS_SHOWN)
    return render_template("console/announcement.html", row=row, progress=progress, recipients=recipients,
                           label=_label(row.audience), send_time=_send_time(row, tz), statuses=STATUS_NAMES,
                           channels=announcements.CHANNEL_NAMES, shown=RECIPIENTS_SHOWN)


@bp.get("/announcements/<int:announcement_id>.xlsx")
@requires("announce")
def announcement_export(announcement_id: int) -> Any:
    """The delivery report, one row per resident: sent, failed or skipped, and why."""
    tz = _settings().tz
    with database().transaction() as db:
        db.get(Announcement, announcement_id) or abort(404)
        rows = [(name, openid, STATUS_NAMES.get(status, status), announcements.CHANNEL_NAMES.get(channel or "", ""),
                 reason or "", sent_at.astimezone(tz) if sent_at else None)
                for name, openid, status, channel, reason, sent_at in _recipients(db, announcement_id, limit=None)]
        return xlsx_response(db, name=f"公告{announcement_id}发送情况", target=f"announcement:{announcement_id}",
                             sheets=[("发送情况", ["居民", "openid", "结果", "方式", "原因", "发出时间"], rows)])


def _checked(form: Any) -> tuple[str, announcements.Audience, datetime | None]:
    """The same checks as 发布公告 in WeChat and the CLI (the service's), plus reading the form."""
    text = announcements.check_text(form.get("text", "").strip())
    audience = announcements.find_audience(_calendar(), form.get("audience", ""))
    send_at = None
    if form.get("when") == "later":
        try:
            send_at = datetime.fromisoformat(form.get("at", "")).replace(tzinfo=_settings().tz).astimezone(UTC)
        except ValueError:
            raise NotAllowed("请填上定时发送的日期和时间。") from None
    announcements.check_send_at(send_at, utcnow())
    with database().transaction() as db:
        announcements.check_audience(db, _calendar(), audience)
    return text, audience, send_at


def _list_page(draft: Any = None) -> Any:
    tz = _settings().tz
    with database().transaction() as db:
        recent, authors = _recent(db, limit=RECENT), _authors(db)
    return render_template("console/announcements.html", recent=recent, draft=draft or {}, label=_label,
                           authors=authors,
                           choices=announcements.audiences(_calendar()), tz=tz, send_time=_send_time,
                           limit=announcements.MAX_TEXT)


def _recent(db: Any, limit: int | None) -> list[tuple[Announcement, int, int]]:
    sent = func.count(Outbox.id).filter(Outbox.status == OutboxStatus.SENT)
    query = (select(Announcement, func.count(Outbox.id), sent)
             .outerjoin(Outbox, Outbox.announcement_id == Announcement.id)
             .group_by(Announcement.id).order_by(Announcement.id.desc()).limit(limit))
    return [tuple(row) for row in db.execute(query).all()]


def _authors(db: Any) -> dict[str, str]:
    """WeChat's 发布公告 records the staff member's openid: shown as their name."""
    return dict(db.execute(select(StaffAccount.openid, StaffAccount.name).where(StaffAccount.openid.is_not(None)))
                .all())


def _recipients(db: Any, announcement_id: int, limit: int | None) -> list[tuple[Any, ...]]:
    """Each resident masked (the name they gave, else their openid), failures and skips first."""
    rows = db.execute(
        select(User.name, Outbox.openid, Outbox.status, Outbox.channel, Outbox.reason, Outbox.sent_at)
        .outerjoin(User, User.openid == Outbox.openid).where(Outbox.announcement_id == announcement_id)
        .order_by((Outbox.status == OutboxStatus.SENT), Outbox.id).limit(limit)).all()
    return [(mask_name(name) if name else "（没留名字）", openid, *rest) for name, openid, *rest in rows]


def _label(key: str) -> str:
    return next((a.label for a in announcements.audiences(_calendar()) if a.key == key), key)


def _send_time(row: Announcement, tz: Any) -> datetime:
    return (row.send_at or row.created_at).astimezone(tz)


def _calendar() -> Any:
    return current_app.extensions["community"].library.current().calendar


def _settings() -> Any:
    return current_app.extensions["community"].settings
