"""Staff commands in WeChat (发布公告, 公告情况, 下雨 太极); declared staff-only, so others get the FAQ."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from bot.content import texts
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.conversation.words import SEND_LATER, SEND_NOW
from bot.knowledge.chinese import find_clock, parse_day
from bot.services import accounts, announcements, audit, reminders, tickets
from bot.services.errors import NotAllowed, NotFound, ServiceError

router = Router("staff")


@router.intent("announce", form="announce", staff=True)
def start_announcement(ctx: Context, text: str) -> Reply:
    intro = texts.STAFF_ANNOUNCE_START.format(name=ctx.staff_member().name)
    return dialog.start(ctx, "announce", intro=intro)


@router.intent("bind_wechat")
def bind_wechat(ctx: Context, text: str) -> Reply:
    """A staff member sends the console's one-time code: this WeChat is theirs from now on."""
    account = accounts.bind(ctx.session, re.sub(r"\D", "", text), ctx.user.openid, ctx.now)
    if account is None:
        return Reply.say(texts.STAFF_BIND_FAILED)
    return Reply.say(texts.STAFF_BOUND.format(name=account.name))


@router.intent("announcement_report", lookup=True, staff=True)
def announcement_report(ctx: Context, text: str) -> Reply:
    found = re.search(r"\d+", text)
    number = int(found.group()) if found else announcements.latest_by(ctx.session, ctx.user.openid)
    summary = announcements.report(ctx.session, number, ctx.settings.tz) if number is not None else None
    return Reply.say(summary or texts.STAFF_ANNOUNCEMENT_UNKNOWN)


@router.intent("rain", form="rain", staff=True)
def rain(ctx: Context, text: str) -> Reply:
    """下雨 太极: staff see which session moves where and who is told, and confirm before anything changes."""
    try:
        reminders.find_class(ctx.calendar, text)
    except reminders.UnknownClass:
        return dialog.start(ctx, "rain")
    try:
        plan = _rain_plan(ctx, text, {})
    except Invalid as why:  # the term is over, or that session was moved already
        return Reply.say(str(why))
    return dialog.start(ctx, "rain", {"klass": plan})


def _rain_plan(ctx: Context, text: str, values: Values) -> dict[str, str]:
    try:
        plan = reminders.plan_rain(ctx.session, ctx.calendar, text, ctx.now, ctx.settings)
    except reminders.UnknownClass:
        names = "、".join(c.info.name for c in ctx.calendar.classes.values())
        raise Invalid(texts.STAFF_RAIN_WHICH.format(names=names)) from None
    except NotAllowed as error:
        raise Invalid(str(error)) from None
    if plan.already:
        info = plan.times.info
        raise Invalid(texts.STAFF_RAIN_ALREADY.format(klass=info.name, month=plan.day.month, day=plan.day.day,
                                                      place=info.rain_place))
    return {"id": plan.times.id, "day": plan.day.isoformat(), "summary": plan.summary()}


def _submit_rain(ctx: Context, values: Values) -> str:
    chosen = values["klass"]
    try:
        moved = reminders.flag_rain(ctx.session, ctx.calendar, chosen["id"], ctx.now, ctx.settings,
                                    day=date.fromisoformat(chosen["day"]))
    except NotAllowed as error:  # the session passed or someone else moved it while staff read the summary
        return texts.STAFF_RAIN_NOT_DONE.format(why=error)
    info, day = moved.times.info, moved.day
    return texts.STAFF_RAIN_DONE.format(klass=info.name, month=day.month, day=day.day,
                                        place=info.rain_place, told=moved.told)


router.form(Form(
    name="rain",
    title=lambda: texts.FORM_RAIN,
    slots=(Slot("klass", lambda: texts.LABEL_CLASS, lambda ctx, values: texts.STAFF_RAIN_ASK, _rain_plan,
                show_choices=True, show=lambda value: value["summary"],
                choices=lambda ctx, values: [(c.info.name, c.id) for c in ctx.calendar.classes.values()]),),
    submit=_submit_rain,
))


REPORT_COMMAND = re.compile(r"^\s*(WG\d{8}-\d{3})\s*(处理中|已办结|办结|备注|回访|转给|转交)?\s*(.*)$", re.S | re.I)


@router.intent("work_report", lookup=True)
def work_report(ctx: Context, text: str) -> Reply:
    """WG20261127-001 处理中 已联系电工: staff (grid workers for their grids) work a report from WeChat
    through the same services as the console; the resident who made it is shown how it stands."""
    number, verb, words = REPORT_COMMAND.match(text).groups()
    try:
        ticket = tickets.find(ctx.session, number)
    except NotFound:
        return Reply.say(texts.STAFF_REPORT_UNKNOWN)
    account = accounts.by_openid(ctx.session, ctx.user.openid)
    if not tickets.may_work(account, ctx.services, ticket):
        if ticket.user_id != ctx.user.id:
            return Reply.say(texts.STAFF_REPORT_UNKNOWN)
        return Reply.say(texts.REPORT_STATUS_CHANGED.format(number=ticket.number, category=ticket.category,
                                                            status=ticket.status))
    if verb is None:
        return Reply.say(texts.STAFF_REPORT_SUMMARY.format(
            number=ticket.number, grid=ticket.grid, category=ticket.category, status=ticket.status,
            description=ticket.description, place=ticket.location, assignee=ticket.assignee,
            link=tickets.page_link(ctx.settings.PUBLIC_URL).format(id=ticket.id)))
    words = words.strip()
    link = tickets.page_link(ctx.settings.PUBLIC_URL)
    work = {
        "处理中": lambda: tickets.change_status(ctx.session, ticket, "处理中", words, account.name, ctx.now),
        "已办结": lambda: tickets.change_status(ctx.session, ticket, "已办结", words, account.name, ctx.now),
        "备注": lambda: tickets.add_note(ticket, words, account.name, ctx.now),
        "回访": lambda: tickets.close_follow_up(ticket, words, account.name, ctx.now),
        "转给": lambda: tickets.assign(ctx.session, ticket, words, account.name, ctx.now, link),
    }
    verb = {"办结": "已办结", "转交": "转给"}.get(verb, verb)
    try:
        work[verb]()
    except ServiceError as error:
        return Reply.say(f"{error}\n{texts.STAFF_REPORT_HOW.format(number=ticket.number)}")
    audit.record(ctx.session, who=account, action=f"report.{WECHAT_ACTIONS[verb]}", now=ctx.now,
                 target=f"ticket:{ticket.number}", detail=f"微信 {words[:60]}")
    return Reply.say(texts.STAFF_REPORT_DONE.format(number=ticket.number, what=verb))


WECHAT_ACTIONS = {"处理中": "status", "已办结": "status", "备注": "note", "回访": "follow_up", "转给": "assign"}


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
        raise Invalid(texts.ANNOUNCE_AUDIENCE_UNKNOWN) from None
    try:
        count = announcements.check_audience(ctx.session, ctx.calendar, audience)
    except NotAllowed as error:
        raise Invalid(str(error)) from None
    return {"key": audience.key, "label": texts.ANNOUNCE_AUDIENCE_COUNT.format(label=audience.label, count=count)}


def _preview(ctx: Context, values: Values) -> str:
    """The staff member sees the message exactly as residents will, before choosing when."""
    audience = announcements.find_audience(ctx.calendar, values["audience"]["key"])
    reach = announcements.reach(ctx.session, ctx.calendar, ctx.settings, audience, ctx.now)
    return texts.ANNOUNCE_PREVIEW.format(message=texts.ANNOUNCEMENT.format(text=values["text"]),
                                         audience="\n".join([values["audience"]["label"], *reach.lines()]))


def _when(ctx: Context, text: str, values: Values) -> str:
    if any(word in text for word in SEND_NOW):
        return "now"
    if any(word in text for word in SEND_LATER):
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
        return texts.ANNOUNCE_NOT_SUBMITTED.format(why=error)
    when = (texts.ANNOUNCE_SENDS_AT.format(when=f"{send_at.astimezone(ctx.settings.tz):%m月%d日 %H:%M}")
            if send_at else texts.ANNOUNCE_SENDS_NOW)
    return texts.ANNOUNCE_SUBMITTED.format(id=row.id, count=count, when=when)


router.form(Form(
    name="announce",
    title=lambda: texts.FORM_ANNOUNCE,
    slots=(
        Slot("text", lambda: texts.LABEL_TEXT,
             lambda ctx, values: texts.ANNOUNCE_ASK_TEXT.format(limit=announcements.MAX_TEXT), _text,
             free_text=True),
        Slot("audience", lambda: texts.LABEL_AUDIENCE, lambda ctx, values: texts.ANNOUNCE_ASK_AUDIENCE, _audience,
             choices=_audience_options, show_choices=True,
             show=lambda value: value["label"]),
        Slot("when", lambda: texts.LABEL_WHEN, _preview, _when, show_choices=True,
             choices=lambda ctx, values: [(texts.ANNOUNCE_SEND_NOW, texts.ANNOUNCE_SEND_NOW),
                                          (texts.ANNOUNCE_SEND_LATER, texts.ANNOUNCE_SEND_LATER)],
             show=lambda value: texts.ANNOUNCE_SEND_NOW if value == "now" else texts.ANNOUNCE_LATER_SHORT),
        Slot("at", lambda: texts.LABEL_AT, lambda ctx, values: texts.ANNOUNCE_ASK_AT, _at,
             ask_if=lambda ctx, values: values.get("when") == "later", show=lambda value: value["label"]),
    ),
    submit=_submit,
))
