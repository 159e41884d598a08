"""Staff commands in WeChat (发布公告, 公告情况, 下雨 太极); others never reach them, they get the FAQ."""
from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.knowledge.chinese import find_clock, parse_day
from bot.services.announcements import announce, audiences, latest_by, recipients, report
from bot.services.reminders import flag_rain

MAX_TEXT = 600
NOW_WORDS = ("现在", "马上", "立即", "立刻")


def is_staff(ctx: Context) -> bool:
    return ctx.user.openid in ctx.calendar.staff


def start_announcement(ctx: Context, text: str) -> Reply | None:
    """None for a resident: the message goes on to the FAQ as if this intent did not exist."""
    if not is_staff(ctx):
        return None
    intro = texts.STAFF_ANNOUNCE_START.format(name=ctx.calendar.staff[ctx.user.openid])
    return dialog.start(ctx, "announce", intro=intro)


def announcement_report(ctx: Context, text: str) -> Reply | None:
    if not is_staff(ctx):
        return None
    found = re.search(r"\d+", text)
    number = int(found.group()) if found else latest_by(ctx.session, ctx.user.openid)
    summary = report(ctx.session, number, ctx.settings.tz) if number is not None else None
    return Reply.say(summary or texts.STAFF_ANNOUNCEMENT_UNKNOWN)


def rain(ctx: Context, text: str) -> Reply | None:
    """下雨 太极: the next session of that class moves to its rain place; the enrolled are told."""
    if not is_staff(ctx):
        return None
    found = next((c for c in ctx.calendar.classes.values() if c.info.name[:2] in text or c.id in text), None)
    if found is None:
        names = "、".join(c.info.name for c in ctx.calendar.classes.values())
        return Reply.say(texts.STAFF_RAIN_WHICH.format(names=names))
    day, told = flag_rain(ctx.session, found, ctx.now, ctx.settings)
    return Reply.say(texts.STAFF_RAIN_DONE.format(klass=found.info.name, month=day.month, day=day.day,
                                                  place=found.info.rain_place, told=told))


# --- the 发布公告 form ----------------------------------------------------------------------

def _text(ctx: Context, text: str, values: Values) -> str:
    if len(text) > MAX_TEXT:
        raise Invalid(texts.ANNOUNCE_TOO_LONG.format(length=len(text), limit=MAX_TEXT))
    if len(text) < 4:
        raise Invalid(texts.ANNOUNCE_TOO_SHORT)
    return text


def _audience_options(ctx: Context, values: Values) -> list[tuple[str, str]]:
    return [(a.label, a.label) for a in audiences(ctx.calendar)]


def _audience(ctx: Context, text: str, values: Values) -> dict[str, Any]:
    found = [a for a in audiences(ctx.calendar) if text in (a.label, a.key) or a.label.endswith(text)]
    if len(found) != 1:
        raise Invalid(texts.ANNOUNCE_AUDIENCE_UNKNOWN)
    count = len(recipients(ctx.session, ctx.calendar, found[0].key))
    if count == 0:
        raise Invalid(texts.ANNOUNCE_AUDIENCE_EMPTY.format(label=found[0].label))
    return {"key": found[0].key, "label": texts.ANNOUNCE_AUDIENCE_COUNT.format(label=found[0].label, count=count)}


def _preview(ctx: Context, values: Values) -> str:
    """The staff member sees the message exactly as residents will, before choosing when."""
    return texts.ANNOUNCE_PREVIEW.format(message=texts.ANNOUNCEMENT.format(text=values["text"]),
                                         audience=values["audience"]["label"])


def _when(ctx: Context, text: str, values: Values) -> str:
    if any(word in text for word in NOW_WORDS):
        return "now"
    if "定时" in text:
        return "later"
    raise Invalid(texts.ANNOUNCE_WHEN_UNKNOWN)


def parse_send_time(ctx: Context, text: str) -> datetime:
    """明天9点, 下午3点半, 11月30日15:00 (local time) → aware UTC; must be in the future."""
    local = ctx.local_now
    clock = find_clock(text)
    if clock is None:
        raise Invalid(texts.ANNOUNCE_AT_UNCLEAR)
    hour, minute, start = clock
    day = parse_day(text[:start] or text, local.date()) or local.date()
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise Invalid(texts.ANNOUNCE_AT_INVALID)
    when = datetime.combine(day, time(hour, minute), tzinfo=ctx.settings.tz)
    if when <= local:
        raise Invalid(texts.ANNOUNCE_AT_PAST)
    return when.astimezone(UTC)


def _at(ctx: Context, text: str, values: Values) -> dict[str, str]:
    when = parse_send_time(ctx, text)
    return {"utc": when.isoformat(), "label": f"{when.astimezone(ctx.settings.tz):%m月%d日 %H:%M}"}


def _submit(ctx: Context, values: Values) -> str:
    send_at = datetime.fromisoformat(values["at"]["utc"]) if values.get("when") == "later" else None
    audience = next(a for a in audiences(ctx.calendar) if a.key == values["audience"]["key"])
    row, count = announce(ctx.session, ctx.calendar, ctx.settings, author=ctx.user.openid, text=values["text"],
                          audience=audience, now=ctx.now, send_at=send_at)
    when = (texts.ANNOUNCE_SENDS_AT.format(when=f"{send_at.astimezone(ctx.settings.tz):%m月%d日 %H:%M}")
            if send_at else texts.ANNOUNCE_SENDS_NOW)
    return texts.ANNOUNCE_SUBMITTED.format(id=row.id, count=count, when=when)


dialog.register(Form(
    name="announce",
    title="公告",
    slots=(
        Slot("text", "内容", lambda ctx, values: texts.ANNOUNCE_ASK_TEXT.format(limit=MAX_TEXT), _text, free_text=True),
        Slot("audience", "发给", lambda ctx, values: texts.ANNOUNCE_ASK_AUDIENCE, _audience,
             choices=_audience_options, show_choices=True,
             show=lambda value: value["label"]),
        Slot("when", "时间", _preview, _when, show_choices=True,
             choices=lambda ctx, values: [(texts.ANNOUNCE_SEND_NOW, texts.ANNOUNCE_SEND_NOW),
                                          (texts.ANNOUNCE_SEND_LATER, texts.ANNOUNCE_SEND_LATER)],
             show=lambda value: texts.ANNOUNCE_SEND_NOW if value == "now" else texts.ANNOUNCE_LATER_SHORT),
        Slot("at", "发送时间", lambda ctx, values: texts.ANNOUNCE_ASK_AT, _at,
             ask_if=lambda ctx, values: values.get("when") == "later", show=lambda value: value["label"]),
    ),
    submit=_submit,
))
