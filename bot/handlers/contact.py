"""The questions several forms share: whom it is for, the name and the phone, with the one-line consent notice."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.dialog import Invalid, Slot, Updates, Values
from bot.conversation.words import NOT_A_NAME, NOT_IN_NAMES, RELATIVES, command_word
from bot.knowledge.chinese import mask_name, mask_phone, parse_name, parse_phone
from bot.services import residents

REUSE = "用上次的"
PRIVACY_NOTICE_PATH = "/privacy"  # the public 个人信息处理说明 (bot/console/privacy.py)
SURNAME_ONLY = re.compile(r"^(?:我|本人)?姓([\u4e00-\u9fff])(?:的)?$")
# The phone inside "我叫刘桂芳 电话139 0000 1234": its label and its digits, spaces and dashes.
PHONE_PART = re.compile(r"(?:电话|手机号?码?|号码|联系方式)?\s*[:：是]?\s*(?:\+?86)?\d[\d\s\-]{9,}\d")
SELF = "我自己"
# 我自己 / 本人 / 是我自己报, alone or before the name (我自己，张三); not the 我 of 我姓王.
SELF_WORD = re.compile(r"^(就是|是)?(给|帮|为)?(我自己|我本人|本人|自己|我)(的|办|报|去)?[。.！!]*(?=$|[\s，,：:；;])")
HANZI_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
SKIP_WORDS = ("跳过", "没有", "没得", "不用", "不想说", "不说", "不告诉", "无", "不要")


def named_participant(ctx: Context, text: str) -> str | None:
    """帮我妈约…, 给我孙子报…, 我家娃儿想学…: the family member the errand is for, as the lexicon names them."""
    normalized = ctx.knowledge.normalize(text)
    for relative in sorted(RELATIVES, key=len, reverse=True):
        if re.search(f"(帮|给|替|为)(我家|我们家|我)?的?{relative}|我家?的?{relative}(要|想|的|也)", normalized):
            return relative
    return None


def _parse_participant(ctx: Context, text: str, values: Values) -> str | Updates:
    """我自己 / 我妈 / 给我孙子 王小明 / a number of the list: whom the errand is for ("" for oneself), and the
    name when it came along."""
    relative = text if text in RELATIVES else named_participant(ctx, text) or _relative_in(ctx, text)
    if relative is not None:
        rest = re.sub(f"^(帮|给|替|为)?(我家|我们家|我)?的?{relative}(办|报|的)?", "",
                      command_word(ctx.knowledge.normalize(text)))
    elif (oneself := SELF_WORD.match(text.strip())) is not None:
        relative, rest = "", command_word(text.strip()[oneself.end():])
    else:
        raise Invalid(texts.ASK_FOR_WHOM_AGAIN)
    name = parse_name(rest, NOT_A_NAME, NOT_IN_NAMES) if rest else None
    return Updates(participant=relative, name=name) if name else relative


def _relative_in(ctx: Context, text: str) -> str | None:
    """母亲, 我妈, 孙子的: a family member named in a short answer to "给谁办"."""
    normalized = command_word(ctx.knowledge.normalize(text))
    found = sorted((normalized.find(r), -len(r), r) for r in RELATIVES if r in normalized)
    return found[0][2] if found and found[0][0] <= 3 else None


def participant_slot(for_whom: Callable[[Context, Values], tuple[str, ...]], prompt: Callable[[], str],
                     check: Callable[[Context, Values, str | None], None] = lambda ctx, values, who: None) -> Slot:
    """给谁办: asked only for what families often do for someone else (``for_whom`` lists the usual family
    members, empty for the rest); named in the opening words (帮我妈约…) or later (是给我妈办的) it is never asked.
    The resident stays the contact. ``check`` may refuse the answer (already booked for that person)."""

    def parse(ctx: Context, text: str, values: Values) -> str | Updates:
        answer = _parse_participant(ctx, text, values)
        check(ctx, values, (answer["participant"] if isinstance(answer, Updates) else answer) or None)
        return answer

    return Slot("participant", lambda: texts.LABEL_PARTICIPANT, lambda ctx, values: _with_notice(ctx, prompt()), parse,
                choices=lambda ctx, values: [(SELF, SELF), *((who, who) for who in for_whom(ctx, values))],
                show_choices=True, ask_if=lambda ctx, values: bool(for_whom(ctx, values)),
                spot=named_participant, in_summary=bool)


def participant(values: Values) -> str | None:
    """The family member the errand is for; None for the resident's own (also when they answered 我自己)."""
    return values.get("participant") or None


def _with_notice(ctx: Context, ask: str) -> str:
    """The notice goes with the first question that asks for personal data, and only until consent."""
    if ctx.user.consent_at:
        return ask
    notice = texts.CONSENT_NOTICE.format(link=ctx.settings.PUBLIC_URL.rstrip("/") + PRIVACY_NOTICE_PATH)
    return f"{notice}\n{ask}"


def _name_prompt(ctx: Context, values: Values) -> str:
    who = values.get("participant")
    ask = texts.ASK_PARTICIPANT_NAME.format(who=who) if who else texts.ASK_NAME
    if "participant" in ctx.conversation.data.get("asked", ()):
        return ask  # the notice came with 给谁办, which may already bring the name
    return _with_notice(ctx, ask)


def _reuse_choice(ctx: Context, values: Values) -> list[tuple[str, str]]:
    saved = residents.saved_contact(ctx.user)
    if saved is None or values.get("participant"):  # the resident's own name is not their mother's
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
    name = parse_name(HANZI_GAP.sub("", words.strip()), NOT_A_NAME, NOT_IN_NAMES)  # 张 小 红: typed apart
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
    Slot("phone", lambda: texts.LABEL_PHONE,
         lambda ctx, values: texts.ASK_CONTACT_PHONE if values.get("participant") else texts.ASK_PHONE, _parse_phone,
         show=mask_phone, spot=lambda ctx, text: parse_phone(text)),
)


def remember_contact(ctx: Context, values: Values) -> None:
    """Consent is recorded either way; the name is saved for next time only when it is the resident's own,
    not that of the family member they booked for (then their own name, if any, is kept)."""
    name = ctx.user.name if values.get("participant") else values["name"]
    residents.remember_contact(ctx.user, name, values["phone"], ctx.now)


def for_whom(participant: str | None) -> str:
    """（为母亲） after a booking or class in the resident's lists; nothing for their own."""
    return texts.FOR_PARTICIPANT.format(who=participant) if participant else ""


def is_skip(text: str) -> bool:
    """跳过, 没有照片, 没得, 不想说: an optional slot left empty."""
    return text.strip(" 。.，,！!").startswith(SKIP_WORDS)
