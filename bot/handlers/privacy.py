"""Personal data: the shared name/phone slots with their one-line notice, and 删除我的信息."""
from __future__ import annotations

import logging

from sqlalchemy import delete, select

from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.words import NOT_A_NAME, NOT_IN_NAMES
from bot.knowledge.chinese import mask_name, mask_phone, parse_name, parse_phone
from bot.models import Booking, Enrollment, HandoffRequest, ProcessedMessage, Ticket

log = logging.getLogger(__name__)
REUSE = "用上次的"
SKIP_WORDS = ("跳过", "没有", "没得", "不用", "不想说", "不说", "不告诉", "无", "不要")
FORGET_WORDS = {"确定", "删除", "删", "确认", "是", "是的", "对"}


def _name_prompt(ctx: Context, values: Values) -> str:
    """The notice goes with the first question that asks for personal data, and only until consent."""
    return texts.ASK_NAME if ctx.user.consent_at else f"{texts.CONSENT_NOTICE}\n{texts.ASK_NAME}"


def _reuse_choice(ctx: Context, values: Values) -> list[tuple[str, str]]:
    user = ctx.user
    if not (user.name and user.phone):
        return []
    return [(texts.REUSE_CONTACT.format(name=mask_name(user.name), phone=mask_phone(user.phone)), REUSE)]


def _parse_name(ctx: Context, text: str, values: Values) -> str:
    if text == REUSE and ctx.user.name and ctx.user.phone:
        values["phone"] = ctx.user.phone  # the phone slot is then already filled
        return ctx.user.name
    name = parse_name(text, NOT_A_NAME, NOT_IN_NAMES)
    if name is None:
        raise Invalid(texts.ASK_NAME_AGAIN)
    return name


def _parse_phone(ctx: Context, text: str, values: Values) -> str:
    phone = parse_phone(text)
    if phone is None:
        raise Invalid(texts.PHONE_INVALID)
    return phone


CONTACT_SLOTS = (
    Slot("name", "姓名", _name_prompt, _parse_name, choices=_reuse_choice, show_choices=True),
    Slot("phone", "电话", lambda ctx, values: texts.ASK_PHONE, _parse_phone),
)


def remember_contact(ctx: Context, values: Values) -> None:
    """Submitting a form with the notice shown is the consent; the contact is offered again next time."""
    ctx.user.name, ctx.user.phone = values["name"], values["phone"]
    ctx.user.consent_at = ctx.user.consent_at or ctx.now


def is_skip(text: str) -> bool:
    """跳过, 没有照片, 没得, 不想说: an optional slot left empty."""
    return text.strip(" 。.，,！!").startswith(SKIP_WORDS)


# --- 删除我的信息 ---------------------------------------------------------------------------


def _parse_forget(ctx: Context, text: str, values: Values) -> bool:
    if text in FORGET_WORDS or text == texts.FORGET_CONFIRM:
        return True
    raise Invalid(texts.FORGET_EXPECTED)


def _forget(ctx: Context, values: Values) -> str:
    """Rows stay for the counts staff keep, but nothing in them points to the resident any more."""
    from bot.handlers import booking, classes  # they import the contact slots from here

    user = ctx.user
    for row in ctx.session.scalars(select(Booking).where(Booking.user_id == user.id)).all():
        if row.status == "booked":
            booking.release(ctx.session, row)
        row.name = row.phone = row.user_id = None
    for row in ctx.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)).all():
        if row.status in ("enrolled", "waiting"):
            classes.withdraw(ctx.session, ctx.services, row)
        row.name = row.phone = row.age = row.user_id = None
    for ticket in ctx.session.scalars(select(Ticket).where(Ticket.user_id == user.id)):
        ticket.user_id = None
    for request in ctx.session.scalars(select(HandoffRequest).where(HandoffRequest.user_id == user.id)):
        request.text = ""
    # Replies kept for WeChat's retries may quote the name or phone; this message's own row stays.
    ctx.session.execute(delete(ProcessedMessage).where(ProcessedMessage.openid == user.openid,
                                                       ProcessedMessage.finished_at.is_not(None)))
    log.info("personal data deleted for user %s (%s, %s)", user.id, mask_name(user.name), mask_phone(user.phone))
    user.name = user.phone = user.consent_at = None
    return texts.FORGET_DONE


dialog.register(Form(
    name="forget",
    title="删除我的信息",
    slots=(Slot("sure", "删除", lambda ctx, values: texts.FORGET_PROMPT, _parse_forget, show_choices=True,
                choices=lambda ctx, values: [(texts.FORGET_CONFIRM, texts.FORGET_CONFIRM),
                                             (texts.FORGET_KEEP, "取消")]),),
    submit=_forget,
    confirm=False,
))


def forget_me(ctx: Context, text: str = "") -> Reply:
    has_records = any(
        ctx.session.scalars(select(model.id).where(model.user_id == ctx.user.id).limit(1)).first()
        for model in (Booking, Enrollment, Ticket)
    )
    if not (ctx.user.name or ctx.user.phone or has_records):
        return Reply.say(texts.FORGET_NOTHING)
    return dialog.start(ctx, "forget")
