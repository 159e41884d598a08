"""Problem reports (网格化服务管理): category, place → grid, what happened, photo, ticket number."""
from __future__ import annotations

from typing import Any

from bot.content import texts
from bot.content.services import Grid, Services
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.conversation.words import looks_like_question, satisfied
from bot.handlers.cases import case_lines
from bot.handlers.common import day_and_time
from bot.handlers.contact import is_skip
from bot.services import tickets

router = Router("report")


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
    ticket = tickets.open_ticket(
        ctx.session, user=ctx.user, category=category.name, grid=grid.name,
        assignee=category.handler or grid.worker,
        place=tickets.Place(show_place(place), place.get("latitude"), place.get("longitude")),
        description=values["description"], media_id=photo.get("media_id"), pic_url=photo.get("url"),
        now=ctx.now, tz=ctx.settings.tz,
        due=tickets.deadlines(category, ctx.catalog.staff_hours, ctx.now, ctx.settings.tz))
    tickets.notify_new(ctx.session, ticket, ctx.services, tickets.page_link(ctx.settings.PUBLIC_URL), ctx.settings.tz)
    day, time = day_and_time(ctx, ticket.respond_by.astimezone(ctx.settings.tz))
    return texts.REPORT_DONE.format(number=ticket.number, assignee=ticket.assignee, due=f"{day}{time}")


router.form(Form(
    name="report",
    title=lambda: texts.FORM_REPORT,
    slots=(
        Slot("category", lambda: texts.LABEL_CATEGORY,
             lambda ctx, values: texts.REPORT_ASK_CATEGORY, _parse_category, show_choices=True,
             choices=lambda ctx, values: [(c.name, c.name) for c in ctx.services.categories]),
        Slot("place", lambda: texts.LABEL_PLACE,
             lambda ctx, values: texts.REPORT_ASK_PLACE, _parse_place, accepts="location",
             show=show_place,
             choices=lambda ctx, values: [(g.area, g.area) for g in ctx.services.grids]),
        Slot("grid", lambda: texts.LABEL_GRID,
             lambda ctx, values: texts.REPORT_ASK_GRID, _parse_grid, show_choices=True,
             choices=lambda ctx, values: [(f"{g.name}：{g.area}", g.name) for g in ctx.services.grids],
             ask_if=lambda ctx, values: _grid(ctx.services, values) is None, in_summary=False),
        Slot("description", lambda: texts.LABEL_DESCRIPTION,
             lambda ctx, values: texts.REPORT_ASK_DESCRIPTION, _parse_description,
             free_text=True),
        Slot("photo", lambda: texts.LABEL_PHOTO,
             lambda ctx, values: texts.REPORT_ASK_PHOTO, _parse_photo, accepts="image",
             show=lambda photo: "已收到", in_summary=bool),
    ),
    submit=_submit,
))


@router.intent("report", form="report")
def start(ctx: Context, text: str) -> Reply:
    """A sentence that already names the problem (路灯坏了) is its description; 上报 alone asks for it."""
    values: Values = {}
    category = ctx.services.find_category(text)
    if category is not None:
        values["category"] = category.name
        values["description"] = text
        if grid := ctx.services.find_grid(text):
            values["grid"] = grid.name  # the exact spot is still asked: the worker has to find it
    photo = tickets.unused_photo(ctx.session, ctx.user.id, ctx.now)
    if photo is not None:
        values["photo"] = photo  # the image note promised it would go with the report
    return dialog.start(ctx, "report", values)


@router.intent("my_reports", lookup=True)
def my_reports(ctx: Context, text: str = "") -> Reply:
    """查询进度 covers the resident's 代办 cases too: they may mean either."""
    mine = tickets.of_resident(ctx.session, ctx.user.id)
    errands = case_lines(ctx)
    if not mine:
        return Reply.say("\n".join([texts.CASE_LIST, *errands]) if errands else texts.REPORT_NONE)
    local = ctx.settings.tz
    lines = [texts.REPORT_LIST]
    for ticket in mine:
        changed = (ticket.events[-1].at if ticket.events else ticket.created_at).astimezone(local)
        lines.append(f"{ticket.number} {ticket.category}：{ticket.status}（{changed.month}月{changed.day}日）")
    if tickets.awaiting_rating(mine):
        lines.append(texts.REPORT_RATE_HINT)
    if errands:
        lines += [texts.CASE_LIST, *errands]
    return Reply.say("\n".join(lines))


@router.intent("rate_ticket", interrupts=False)  # 满意 inside a form is an answer there
def rate(ctx: Context, text: str) -> Reply | None:
    """Read the rating here (一般般，还是没修好 is 不满意) and hand the service the plain word, the
    resident's own words kept beside it for staff."""
    verdict = tickets.HAPPY if satisfied(text) else tickets.UNHAPPY
    ticket = tickets.rate(ctx.session, ctx.user, verdict if text == verdict else f"{verdict}（{text}）", ctx.now)
    if ticket is None:
        return Reply.say(texts.REPORT_RATE_NOTHING) if "满意" in text else None  # 还行 with nothing to rate
    happy = ticket.satisfaction == tickets.HAPPY
    return Reply.say(texts.REPORT_RATE_THANKS if happy else texts.REPORT_RATE_UNHAPPY)
