"""Problem reports (网格化服务管理): category, place → grid, what happened, photo, ticket number."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.services import Grid, Services
from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.words import looks_like_question
from bot.handlers.common import next_number, save_racing
from bot.handlers.privacy import is_skip
from bot.models import Attachment, Ticket, TicketEvent, User
from bot.services import outbox

log = logging.getLogger(__name__)
STATUSES = ("已受理", "处理中", "已办结")
DONE = "已办结"
BY_ASSISTANT = "小助手"
PHOTO_JUST_BEFORE = timedelta(minutes=10)  # longer, and the photo may be of something else


def _parse_category(ctx: Context, text: str, values: Values) -> str:
    category = ctx.services.category(text) or ctx.services.find_category(text)
    if category is None:
        raise Invalid(texts.REPORT_CATEGORY_UNKNOWN)
    return category.name


def _parse_place(ctx: Context, text: str, values: Values) -> dict[str, Any]:
    if len(text) < 2 or looks_like_question(text) or "://" in text:
        raise Invalid(texts.REPORT_PLACE_UNCLEAR)
    return {"text": text}


def _place_words(place: dict[str, Any]) -> str:
    return place.get("text") or place.get("label") or ""


def show_place(place: dict[str, Any]) -> str:
    return _place_words(place) or "已发送位置"


def _grid(services: Services, values: Values) -> Grid | None:
    """A grid named by the resident wins; otherwise the area words in the place say which one."""
    if "grid" in values:
        return services.grid(values["grid"])
    return services.find_grid(_place_words(values.get("place") or {}))


def _parse_grid(ctx: Context, text: str, values: Values) -> str:
    grid = ctx.services.grid(text) or ctx.services.find_grid(text)
    if grid is None:
        raise Invalid(texts.REPORT_GRID_UNKNOWN)
    return grid.name


def _parse_description(ctx: Context, text: str, values: Values) -> str:
    if len(text) < 2 or looks_like_question(text):
        raise Invalid(texts.REPORT_DESCRIPTION_SHORT)
    return text


def _parse_photo(ctx: Context, text: str, values: Values) -> None:
    if is_skip(text):
        return None
    raise Invalid(texts.REPORT_PHOTO_EXPECTED)


def _submit(ctx: Context, values: Values) -> str:
    category = ctx.services.category(values["category"])
    grid = _grid(ctx.services, values)
    place, photo = values["place"], values.get("photo") or {}
    ticket = Ticket(
        user_id=ctx.user.id, category=category.name, grid=grid.name, assignee=category.handler or grid.worker,
        location=show_place(place), latitude=place.get("latitude"), longitude=place.get("longitude"),
        description=values["description"], media_id=photo.get("media_id"), pic_url=photo.get("url"),
        status=STATUSES[0], created_at=ctx.now,
    )

    def attempt() -> bool:
        ticket.number = next_number(ctx, Ticket.number, "WG")
        ctx.session.add(ticket)
        return True

    save_racing(ctx.session, attempt)
    ticket.events.append(TicketEvent(status=STATUSES[0], by=BY_ASSISTANT, at=ctx.now))
    log.info("ticket %s %s → %s", ticket.number, ticket.category, ticket.assignee)
    return texts.REPORT_DONE.format(number=ticket.number, assignee=ticket.assignee)


dialog.register(Form(
    name="report",
    title="反映的问题",
    slots=(
        Slot("category", "类别", texts.REPORT_ASK_CATEGORY, _parse_category, show_choices=True,
             choices=lambda ctx, values: [(c.name, c.name) for c in ctx.services.categories]),
        Slot("place", "地点", texts.REPORT_ASK_PLACE, _parse_place, accepts="location", show=show_place,
             choices=lambda ctx, values: [(g.area, g.area) for g in ctx.services.grids]),
        Slot("grid", "片区", texts.REPORT_ASK_GRID, _parse_grid, show_choices=True,
             choices=lambda ctx, values: [(f"{g.name}：{g.area}", g.name) for g in ctx.services.grids],
             ask_if=lambda ctx, values: _grid(ctx.services, values) is None),
        Slot("description", "情况", texts.REPORT_ASK_DESCRIPTION, _parse_description, free_text=True),
        Slot("photo", "照片", texts.REPORT_ASK_PHOTO, _parse_photo, accepts="image",
             show=lambda photo: "已收到" if photo else "没有"),
    ),
    submit=_submit,
))


def start(ctx: Context, text: str) -> Reply:
    """A sentence that already names the problem (路灯坏了) is its description; 上报 alone asks for it."""
    values: Values = {}
    category = ctx.services.find_category(text)
    if category is not None:
        values["category"] = category.name
        values["description"] = text
        if grid := ctx.services.find_grid(text):
            values["grid"] = grid.name  # the exact spot is still asked: the worker has to find it
    photo = _recent_photo(ctx)
    if photo is not None:
        values["photo"] = photo  # the image note promised it would go with the report
    return dialog.start(ctx, "report", values)


def _recent_photo(ctx: Context) -> dict[str, Any] | None:
    """A photo sent just before the report, and not already part of one of this resident's reports."""
    used = select(Ticket.id).where(Ticket.user_id == ctx.user.id, Ticket.media_id == Attachment.media_id).exists()
    image = ctx.session.scalars(
        select(Attachment).where(Attachment.user_id == ctx.user.id, Attachment.kind == "image",
                                 Attachment.created_at >= ctx.now - PHOTO_JUST_BEFORE, ~used)
        .order_by(Attachment.id.desc())).first()
    return {"media_id": image.media_id, "url": image.url} if image else None


def my_reports(ctx: Context, text: str = "") -> Reply:
    tickets = list(ctx.session.scalars(
        select(Ticket).where(Ticket.user_id == ctx.user.id).order_by(Ticket.id.desc()).limit(10)))
    if not tickets:
        return Reply.say(texts.REPORT_NONE)
    local = ctx.settings.tz
    lines = [texts.REPORT_LIST]
    for ticket in tickets:
        changed = (ticket.events[-1].at if ticket.events else ticket.created_at).astimezone(local)
        lines.append(f"{ticket.number} {ticket.category}：{ticket.status}（{changed.month}月{changed.day}日）")
    if any(t.status == DONE and t.satisfaction is None for t in tickets):
        lines.append(texts.REPORT_RATE_HINT)
    return Reply.say("\n".join(lines))


def rate(ctx: Context, text: str) -> Reply:
    ticket = ctx.session.scalars(select(Ticket).where(
        Ticket.user_id == ctx.user.id, Ticket.status == DONE, Ticket.satisfaction.is_(None),
    ).order_by(Ticket.id.desc())).first()
    if ticket is None:
        return Reply.say(texts.REPORT_RATE_NOTHING)
    happy = "不满意" not in text
    ticket.satisfaction = "满意" if happy else "不满意"
    note = f"居民评价：{text}"
    ticket.events.append(TicketEvent(status=ticket.status, note=note, by="居民", at=ctx.now))
    return Reply.say(texts.REPORT_RATE_THANKS if happy else texts.REPORT_RATE_UNHAPPY)


# --- staff side (community-bot reports) ---------------------------------------------------


def change_status(session: Session, ticket: Ticket, status: str, note: str, by: str, now: datetime) -> None:
    """Every change is recorded and queued to the resident; after 已办结 they are asked to rate it."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    ticket.status = status
    ticket.events.append(TicketEvent(status=status, note=note, by=by, at=now))
    user = session.get(User, ticket.user_id) if ticket.user_id else None
    if user is None:
        return
    lines = [texts.REPORT_STATUS_CHANGED.format(number=ticket.number, category=ticket.category, status=status)]
    if note:
        lines.append(texts.REPORT_STATUS_NOTE.format(note=note))
    if status == DONE:
        lines.append(texts.REPORT_RATE_HINT)
    outbox.enqueue(session, openid=user.openid, text="\n".join(lines), key=f"ticket:{ticket.number}:{status}")


def assign(ticket: Ticket, worker: str, by: str, now: datetime) -> None:
    ticket.assignee = worker
    ticket.events.append(TicketEvent(status=ticket.status, note=f"转交{worker}", by=by, at=now))
