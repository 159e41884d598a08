"""幼儿园: places left this year (the number staff keep), and the pre-registration a parent joins in WeChat."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from bot.content import texts
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Undo, Values
from bot.conversation.message import Offer, Reply, join, offer
from bot.conversation.routes import Router
from bot.conversation.words import NOT_A_NAME, NOT_IN_NAMES
from bot.handlers.common import pick_slot, start_pick
from bot.handlers.contact import CONTACT_SLOTS, remember_contact
from bot.knowledge import Verdict
from bot.knowledge.chinese import parse_name
from bot.knowledge.eligibility import birth_range
from bot.models import PreRegistration
from bot.services import kindergarten, subscriptions

router = Router("kindergarten")
RULE, BIRTH, RESIDENT = "kindergarten", "birth", "resident"  # the check of faq/eligibility.yaml, and its facts
FORM = "kindergarten"
REGISTER = "预登记"  # what the offered choice says: the words that open the form
DOCUMENTS_ENTRY = "kindergarten.documents"
CHILD_PREFIX = re.compile(r"^(我家|我的)?(孩子|娃娃|娃儿|娃|小孩|宝宝|儿子|女儿|闺女)(的名字|的姓名)?(叫|是)?")


def _faq_dir(ctx: Context) -> Path:
    return Path(ctx.settings.FAQ_DIR)


def _today(ctx: Context) -> date:
    return ctx.local_now.date()


def places_answer(ctx: Context) -> str:
    """今年还剩N个学位（11月28日更新）: the FAQ entry on places is answered with this too."""
    return kindergarten.places_text(ctx.session, _faq_dir(ctx), _today(ctx))


@router.intent("kindergarten_places", lookup=True)
def places(ctx: Context, text: str = "") -> Reply:
    """Asked outside a form, the waiting list is one digit away."""
    if dialog.active_form(ctx) is not None:
        return Reply.say(places_answer(ctx), f"faq:{kindergarten.PLACES_ENTRY}")
    return Reply.offering(join(places_answer(ctx), offer([(texts.KINDER_OFFER, REGISTER)])),
                          f"faq:{kindergarten.PLACES_ENTRY}")


def offer_after_verdict(ctx: Context, rule_id: str, facts: dict[str, Any], verdict: Verdict) -> Offer | None:
    """After 可以入园 / 2027年9月可以入园, "回复1：预登记"; the facts the check learnt go with the choice."""
    born = facts.get(BIRTH)
    if rule_id != RULE or facts.get(RESIDENT) is False or not isinstance(born, date):
        return None
    if ctx.rules.start_date(RULE, BIRTH, born, _today(ctx)) is None:
        return None  # 已满6周岁
    known = f"{REGISTER} {born.year}年{born.month}月出生"  # the month: an age (3岁半) gives no exact day
    if facts.get(RESIDENT) is True:
        known += f" {texts.KINDER_LIVES_HERE}"
    return join(verdict.text, offer([(texts.KINDER_OFFER, known)]))


# --- the pre-registration form ------------------------------------------------------------------


def _born(value: str) -> date:
    """Stored as 2023-05 (a month) or 2023-05-12 (a day): the first day it may be."""
    return date.fromisoformat(value if len(value) > 7 else f"{value}-01")


def _show_birth(value: str) -> str:
    born = _born(value)
    return f"{born.year}年{born.month}月" + (f"{born.day}日" if len(value) > 7 else "")


def _birth_value(ctx: Context, text: str) -> str | None:
    """2023年5月, 23年5月, 2023.5.12, ２０２３年５月 → "2023-05" or "2023-05-12"; None if no month is named."""
    found = birth_range(text, _today(ctx))
    if found is None or found[0] > _today(ctx):
        return None
    lo, hi = found
    return lo.isoformat() if lo == hi else lo.isoformat()[:7]


def _parse_child(ctx: Context, text: str, values: Values) -> str:
    name = parse_name(CHILD_PREFIX.sub("", text.strip()), NOT_A_NAME, NOT_IN_NAMES)
    if name is None:
        raise Invalid(texts.KINDER_ASK_CHILD_AGAIN)
    return name


def _parse_birth(ctx: Context, text: str, values: Values) -> str:
    value = _birth_value(ctx, text)
    if value is None:
        raise Invalid(texts.KINDER_BIRTH_INVALID)
    if ctx.rules.start_date(RULE, BIRTH, _born(value), _today(ctx)) is None:
        raise Invalid(texts.KINDER_TOO_OLD)
    return value


def _parse_resident(ctx: Context, text: str, values: Values) -> bool:
    lives_here = ctx.rules.parse_answer(RULE, RESIDENT, text, _today(ctx))
    if lives_here is None:
        raise Invalid(texts.KINDER_RESIDENT_AGAIN)
    if lives_here is False:
        raise Invalid(texts.KINDER_NOT_RESIDENT)
    return True


def _submit(ctx: Context, values: Values) -> str:
    today, born = _today(ctx), _born(values["birth"])
    start = ctx.rules.start_date(RULE, BIRTH, born, today)
    try:
        row = kindergarten.register(ctx.session, user=ctx.user, child=values["child"], birth=born, start=start,
                                    name=values["name"], phone=values["phone"], now=ctx.now)
    except kindergarten.AlreadyRegistered as error:
        return texts.KINDER_ALREADY.format(child=error.row.child, autumn=error.row.start_year,
                                           position=kindergarten.position(ctx.session, error.row))
    remember_contact(ctx, values)
    topic = ctx.calendar.topic_by_id(kindergarten.reminder_topic(_faq_dir(ctx)) or "")
    if topic is not None:
        subscriptions.subscribe(ctx.session, ctx.user, topic, ctx.now)  # False: already subscribed, same reminder
    documents = ctx.knowledge.entries.get(DOCUMENTS_ENTRY)
    when = texts.KINDER_OLD_ENOUGH_NOW if start <= today else texts.KINDER_OLD_ENOUGH_FROM.format(autumn=start.year)
    return "\n".join(part for part in (
        texts.KINDER_REGISTERED.format(child=row.child, when=when, autumn=start.year,
                                       position=kindergarten.position(ctx.session, row)),
        documents.answer if documents else "",
        texts.KINDER_REMINDER if topic is not None else "",
        texts.KINDER_MINE_HINT) if part)


router.form(Form(
    name=FORM,
    title=lambda: texts.FORM_KINDER,
    slots=(
        Slot("child", lambda: texts.LABEL_CHILD, lambda ctx, values: texts.KINDER_ASK_CHILD, _parse_child),
        Slot(BIRTH, lambda: texts.LABEL_BIRTH, lambda ctx, values: texts.KINDER_ASK_BIRTH, _parse_birth,
             show=_show_birth),
        Slot(RESIDENT, lambda: texts.LABEL_RESIDENT,
             lambda ctx, values: ctx.rules.question(RULE, RESIDENT).prompt, _parse_resident,
             show=lambda _: texts.KINDER_LIVES_HERE, in_summary=False),
        *(slot for slot in CONTACT_SLOTS if slot.name != "participant"),  # the parent is the contact
    ),
    submit=_submit,
))


@router.intent("kindergarten_register", form=FORM)
def register(ctx: Context, text: str) -> Reply:
    """Facts already said (a birth month, 住在社区 — or carried over from the check) are not asked again."""
    values: Values = {}
    if (birth := _birth_value(ctx, text)) is not None:
        values[BIRTH] = birth
    stated = ctx.rules.extract(RULE, ctx.knowledge.normalize(text), _today(ctx))
    if stated.get(RESIDENT) is True:
        values[RESIDENT] = True
    return dialog.start(ctx, FORM, values, intro=texts.KINDER_INTRO)


# --- my pre-registrations, cancelling one ------------------------------------------------------


def _mine(ctx: Context) -> list[PreRegistration]:
    return kindergarten.mine(ctx.session, ctx.user.id)


def _describe(ctx: Context, row: PreRegistration) -> str:
    return texts.KINDER_LINE.format(child=row.child or "", autumn=row.start_year,
                                    status=kindergarten.STATUS_TEXT[row.status],
                                    position=kindergarten.position(ctx.session, row))


def _options(ctx: Context) -> list[tuple[str, str]]:
    return [(_describe(ctx, row), row.child or str(row.id)) for row in _mine(ctx)]


def my_lines(ctx: Context) -> list[str]:
    """The parent's children on the waiting list, as lines of 我的报名."""
    return [_describe(ctx, row) for row in _mine(ctx)]


@router.intent("my_kindergarten", lookup=True)
def my_registrations(ctx: Context, text: str = "") -> Reply:
    lines = my_lines(ctx)
    if not lines:
        return Reply.say(texts.KINDER_NONE)
    return Reply.say("\n".join([texts.KINDER_LIST, *lines, texts.KINDER_LIST_FOOTER]))


def _submit_cancel(ctx: Context, values: Values) -> str:
    row = next(row for row in _mine(ctx) if (row.child or str(row.id)) == values["registration"])
    kindergarten.cancel(ctx.session, row, ctx.now)
    return texts.KINDER_CANCELLED.format(child=values["registration"])


router.form(Form(
    name="kindergarten_cancel", title=lambda: texts.FORM_KINDER_CANCEL, submit=_submit_cancel,
    undo=Undo(lambda: texts.KINDER_CANCEL_SUBMIT, lambda: texts.KINDER_CANCEL_KEEP, lambda: texts.KINDER_CANCEL_KEPT),
    slots=(pick_slot("registration", lambda: texts.LABEL_CHILD, lambda: texts.KINDER_ASK_WHICH,
                     lambda: texts.KINDER_UNKNOWN, _options),),
))


@router.intent("kindergarten_cancel", form="kindergarten_cancel")
def cancel(ctx: Context, text: str) -> Reply:
    named = next((row.child for row in _mine(ctx) if row.child and row.child in text), None)
    return start_pick(ctx, "kindergarten_cancel", "registration", _options, texts.KINDER_NONE, named)
