"""The name/phone questions several forms share, with the one-line consent notice."""
from __future__ import annotations

import re
import unicodedata

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.dialog import Invalid, Slot, Updates, Values
from bot.conversation.words import NOT_A_NAME, NOT_IN_NAMES, command_word
from bot.knowledge.chinese import mask_name, mask_phone, parse_name, parse_phone
from bot.services import residents

REUSE = "用上次的"
SURNAME_ONLY = re.compile(r"^(?:我|本人)?姓([\u4e00-\u9fff])(?:的)?$")
# The phone inside "我叫刘桂芳 电话139 0000 1234": its label and its digits, spaces and dashes.
PHONE_PART = re.compile(r"(?:电话|手机号?码?|号码|联系方式)?\s*[:：是]?\s*(?:\+?86)?\d[\d\s\-]{9,}\d")
SKIP_WORDS = ("跳过", "没有", "没得", "不用", "不想说", "不说", "不告诉", "无", "不要")


def _name_prompt(ctx: Context, values: Values) -> str:
    """The notice goes with the first question that asks for personal data, and only until consent."""
    return texts.ASK_NAME if ctx.user.consent_at else f"{texts.CONSENT_NOTICE}\n{texts.ASK_NAME}"


def _reuse_choice(ctx: Context, values: Values) -> list[tuple[str, str]]:
    saved = residents.saved_contact(ctx.user)
    if saved is None:
        return []
    name, phone = saved
    return [(texts.REUSE_CONTACT.format(name=mask_name(name), phone=mask_phone(phone)), REUSE)]


def _parse_name(ctx: Context, text: str, values: Values) -> str | Updates:
    saved = residents.saved_contact(ctx.user)
    if text == REUSE and saved is not None:
        return Updates(name=saved[0], phone=saved[1])  # the phone question is then skipped
    surname = SURNAME_ONLY.match(command_word(text))
    if surname:  # 我姓王: polite, but not the name we can book under
        raise Invalid(texts.ASK_FULL_NAME.format(surname=surname.group(1)))
    phone = parse_phone(text)
    words = PHONE_PART.sub(" ", unicodedata.normalize("NFKC", text)) if phone else text
    name = parse_name(words, NOT_A_NAME, NOT_IN_NAMES)
    if name is None:
        raise Invalid(texts.ASK_NAME_AGAIN)
    return Updates(name=name, phone=phone) if phone else name  # 刘桂芳13900001234 fills both


def _parse_phone(ctx: Context, text: str, values: Values) -> str:
    phone = parse_phone(text)
    if phone is None:
        raise Invalid(texts.PHONE_INVALID)
    return phone


CONTACT_SLOTS = (
    Slot("name", lambda: texts.LABEL_NAME, _name_prompt, _parse_name, choices=_reuse_choice, show_choices=True),
    Slot("phone", lambda: texts.LABEL_PHONE, lambda ctx, values: texts.ASK_PHONE, _parse_phone,
         spot=lambda ctx, text: parse_phone(text)),
)


def remember_contact(ctx: Context, values: Values) -> None:
    residents.remember_contact(ctx.user, values["name"], values["phone"], ctx.now)


def is_skip(text: str) -> bool:
    """跳过, 没有照片, 没得, 不想说: an optional slot left empty."""
    return text.strip(" 。.，,！!").startswith(SKIP_WORDS)
