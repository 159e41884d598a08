"""Staff commands in WeChat (发布公告, 公告情况, 下雨 太极); declared staff-only, so others get the FAQ."""
from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.knowledge.chinese import cn_number, parse_day
from bot.services import announcements, reminders
from bot.services.errors import NotAllowed

NOW_WORDS = ("现在", "马上", "立即", "立刻")
_CLOCK = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})|([\d零一二两三四五六七八九十]{1,3})\s*点\s*(半|(\d{1,2})分?)?")
_AFTERNOON = ("下午", "晚上", "傍晚")
router = Router("staff")


@router.intent("announce", form="announce", staff=True)
def start_announcement(ctx: Context, text: str) -> Reply:
    return dialog.start(ctx, "announce", intro=f"{ctx.calendar.staff[ctx.user.openid]}，好的，发布公告。")


@router.intent("announcement_report", lookup=True, staff=True)
def announcement_report(ctx: Context, text: str) -> Reply:
    found = re.search(r"\d+", text)
    number = int(found.group()) if found else announcements.latest_by(ctx.session, ctx.user.openid)
    summary = announcements.report(ctx.session, number, ctx.settings.tz) if number is not None else None
    return Reply.say(summary or "还没有这条公告。回复“发布公告”发一条。")


@router.intent("rain", staff=True)
def rain(ctx: Context, text: str) -> Reply:
    """下雨 太极: the next session of that class moves to its rain place; the enrolled are told."""
    try:
        moved = reminders.flag_rain(ctx.session, ctx.calendar, text, ctx.now, ctx.settings)
    except reminders.UnknownClass as error:
        return Reply.say(f"哪个班？请说“下雨 太极”或“下雨 秧歌”。{error}")
    except NotAllowed as error:
        return Reply.say(str(error))
    info, day = moved.times.info, moved.day
    return Reply.say(f"好的，{info.name}{day.month}月{day.day}日改到{info.rain_place}。"
                     f"提醒里会写明；已经提醒过的{moved.told}人会再收到一条通知。")


# --- the 发布公告 form ----------------------------------------------------------------------

def _text(ctx: Context, text: str, values: Values) -> str:
    try:
        return announcements.check_text(text)
    except NotAllowed as error:
        raise Invalid(str(error)) from None


def _audience_options(ctx: Context, values: Values) -> list[tuple[str, str]]:
    return [(a.label, a.label) for a in announcements.audiences(ctx.calendar)]


def _audience(ctx: Context, text: str, values: Values) -> dict[str, Any]:
    try:
        audience = announcements.find_audience(ctx.calendar, text)
    except announcements.AudienceError:
        raise Invalid("请回复数字选择发给谁。") from None
    try:
        count = announcements.check_audience(ctx.session, ctx.calendar, audience)
    except NotAllowed as error:
        raise Invalid(str(error)) from None
    return {"key": audience.key, "label": f"{audience.label}（{count}人）"}


def _preview(ctx: Context, values: Values) -> str:
    """The staff member sees the message exactly as residents will, before choosing when."""
    return (f"预览（居民收到的样子）：\n{texts.ANNOUNCEMENT.format(text=values['text'])}\n——\n"
            f"发给：{values['audience']['label']}\n什么时候发？")


def _when(ctx: Context, text: str, values: Values) -> str:
    if any(word in text for word in NOW_WORDS):
        return "now"
    if "定时" in text:
        return "later"
    raise Invalid("请回复1现在发送，或回复2定时发送。")


def parse_send_time(ctx: Context, text: str) -> datetime:
    """明天9点, 下午3点半, 11月30日15:00 (local time) → aware UTC; must be in the future."""
    local = ctx.local_now
    clock = _CLOCK.search(text)
    if clock is None:
        raise Invalid("没看懂时间，请这样回复：明天9点，或 11月30日15:00。")
    if clock.group(1):
        hour, minute = int(clock.group(1)), int(clock.group(2))
    else:
        hour = cn_number(clock.group(3)) or 0
        minute = 30 if clock.group(4) == "半" else int(clock.group(5) or 0)
    if any(word in text for word in _AFTERNOON) and hour < 12:
        hour += 12
    day = parse_day(text[:clock.start()] or text, local.date()) or local.date()
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise Invalid("时间不对，请这样回复：明天9点。")
    when = datetime.combine(day, time(hour, minute), tzinfo=ctx.settings.tz).astimezone(UTC)
    try:
        announcements.check_send_at(when, ctx.now)
    except NotAllowed as error:
        raise Invalid(str(error)) from None
    return when


def _at(ctx: Context, text: str, values: Values) -> dict[str, str]:
    when = parse_send_time(ctx, text)
    return {"utc": when.isoformat(), "label": f"{when.astimezone(ctx.settings.tz):%m月%d日 %H:%M}"}


def _submit(ctx: Context, values: Values) -> str:
    send_at = datetime.fromisoformat(values["at"]["utc"]) if values.get("when") == "later" else None
    audience = announcements.find_audience(ctx.calendar, values["audience"]["key"])
    try:
        row, count = announcements.announce(ctx.session, ctx.calendar, ctx.settings, author=ctx.user.openid,
                                            text=values["text"], audience=audience, now=ctx.now,
                                            send_at=send_at)
    except NotAllowed as error:  # the audience emptied or the time passed while the form was open
        return f"公告没有提交：{error}"
    when = f"{send_at.astimezone(ctx.settings.tz):%m月%d日 %H:%M}发送" if send_at else "马上开始发送"
    return f"公告已提交：第{row.id}号，共{count}人，{when}。\n回复“公告情况”查看发送结果。"


router.form(Form(
    name="announce",
    title="公告",
    slots=(
        Slot("text", "内容", "请输入公告内容（600字以内）：", _text, free_text=True),
        Slot("audience", "发给", "发给谁？", _audience, choices=_audience_options, show_choices=True,
             show=lambda value: value["label"]),
        Slot("when", "时间", _preview, _when, show_choices=True,
             choices=lambda ctx, values: [("现在发送", "现在发送"), ("定时发送", "定时发送")],
             show=lambda value: "现在发送" if value == "now" else "定时"),
        Slot("at", "发送时间", "请回复发送时间，比如：明天9点，或 11月30日15:00。", _at,
             ask_if=lambda ctx, values: values.get("when") == "later", show=lambda value: value["label"]),
    ),
    submit=_submit,
))
