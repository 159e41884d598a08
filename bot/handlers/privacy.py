"""删除我的信息: a confirmation, then the resident's data is deleted by the residents service."""
from __future__ import annotations

from bot.content import texts
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.services import residents

router = Router("privacy")
FORGET_WORDS = {"确定", "删除", "删", "确认", "是", "是的", "对"}


def _parse_forget(ctx: Context, text: str, values: Values) -> bool:
    if text in FORGET_WORDS or text == texts.FORGET_CONFIRM:
        return True
    raise Invalid(texts.FORGET_EXPECTED)


def _forget(ctx: Context, values: Values) -> str:
    residents.forget(ctx.session, ctx.user, ctx.services)
    ctx.conversation.data.pop("submitted", None)  # the last form's reply, kept in memory, may name a child
    return texts.FORGET_DONE


router.form(Form(
    name="forget",
    title=lambda: texts.FORM_FORGET,
    slots=(Slot("sure", lambda: texts.LABEL_FORGET,
                lambda ctx, values: texts.FORGET_PROMPT, _parse_forget, show_choices=True,
                choices=lambda ctx, values: [(texts.FORGET_CONFIRM, texts.FORGET_CONFIRM),
                                             (texts.FORGET_KEEP, "取消")]),),
    submit=_forget,
    confirm=False,
))


@router.intent("forget_me", form="forget")
def forget_me(ctx: Context, text: str = "") -> Reply:
    if not residents.has_personal_data(ctx.session, ctx.user):
        return Reply.say(texts.FORGET_NOTHING)
    return dialog.start(ctx, "forget")
