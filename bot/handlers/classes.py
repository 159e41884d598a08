"""太极拳/秧歌 sign-up: a seat while places last, then a waiting list promoted in order."""
from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content.services import ClassInfo, Services
from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Values
from bot.conversation.message import Reply
from bot.handlers.common import free_seat, pick_slot, save_racing, start_pick
from bot.handlers.privacy import CONTACT_SLOTS, is_skip, remember_contact
from bot.knowledge.chinese import mask_name, parse_age
from bot.models import Enrollment, User
from bot.services import outbox

log = logging.getLogger(__name__)
ACTIVE = ("enrolled", "waiting")
WAIT_WORDS = {"排候补", "候补", "排队", "排队等", "好", "好的", "要", "可以", "行"}
STATUS_TEXT = {"enrolled": "已报名", "waiting": "候补"}


def _klass(ctx: Context, values: Values) -> ClassInfo:
    return ctx.services.klass(values["klass"])


def _enrolled(session: Session, klass: ClassInfo) -> int:
    return session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.class_id == klass.id, Enrollment.term == klass.term, Enrollment.status == "enrolled"))


def _is_full(ctx: Context, values: Values) -> bool:
    klass = _klass(ctx, values)
    return _enrolled(ctx.session, klass) >= klass.capacity


def _waiting_position(session: Session, enrollment: Enrollment) -> int:
    return session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.class_id == enrollment.class_id, Enrollment.term == enrollment.term,
        Enrollment.status == "waiting", Enrollment.id <= enrollment.id))


def _existing(ctx: Context, klass: ClassInfo) -> Enrollment | None:
    return ctx.session.scalars(select(Enrollment).where(
        Enrollment.user_id == ctx.user.id, Enrollment.class_id == klass.id, Enrollment.term == klass.term,
        Enrollment.status.in_(ACTIVE))).first()


def _parse_class(ctx: Context, text: str, values: Values) -> str:
    klass = ctx.services.klass(text) or ctx.services.find_class(text)
    if klass is None:
        raise Invalid(texts.CLASS_UNKNOWN)
    return klass.name


def _parse_wait(ctx: Context, text: str, values: Values) -> bool:
    if text in WAIT_WORDS:
        return True
    raise Invalid(texts.CLASS_WAIT_EXPECTED)


def _parse_age(ctx: Context, text: str, values: Values) -> int | None:
    if is_skip(text):
        return None
    age = parse_age(text, ctx.local_now.date())
    if age is None:
        raise Invalid(texts.CLASS_AGE_INVALID)
    return age


def _full_prompt(ctx: Context, values: Values) -> str:
    klass = _klass(ctx, values)
    return texts.CLASS_FULL.format(klass=klass.name, capacity=klass.capacity)


def _submit(ctx: Context, values: Values) -> str:
    klass = _klass(ctx, values)
    if (existing := _existing(ctx, klass)) is not None:
        return texts.CLASS_ALREADY.format(klass=klass.name, status=STATUS_TEXT[existing.status])
    enrollment = Enrollment(user_id=ctx.user.id, class_id=klass.id, term=klass.term, name=values["name"],
                            phone=values["phone"], age=values.get("age"), status="enrolled", created_at=ctx.now)

    def attempt() -> bool:
        taken = set(ctx.session.scalars(select(Enrollment.seat).where(
            Enrollment.class_id == klass.id, Enrollment.term == klass.term, Enrollment.status == "enrolled")))
        enrollment.seat = free_seat(taken, klass.capacity)
        if enrollment.seat is None:
            return False
        ctx.session.add(enrollment)
        return True

    remember_contact(ctx, values)
    if save_racing(ctx.session, attempt):
        log.info("class %s seat %s for %s", klass.id, enrollment.seat, mask_name(enrollment.name))
        return texts.CLASS_ENROLLED.format(details=klass.details)
    enrollment.status = "waiting"
    ctx.session.add(enrollment)
    ctx.session.flush()
    log.info("class %s waiting list for %s", klass.id, mask_name(enrollment.name))
    return texts.CLASS_WAITING.format(klass=klass.name, position=_waiting_position(ctx.session, enrollment))


dialog.register(Form(
    name="enroll",
    title="报名",
    slots=(
        Slot("klass", "班", lambda ctx, values: texts.CLASS_ASK_WHICH, _parse_class, show_choices=True,
             choices=lambda ctx, values: [(f"{c.name}（{c.schedule}）", c.name) for c in ctx.services.classes]),
        Slot("wait", "名额", _full_prompt, _parse_wait, show_choices=True, ask_if=_is_full,
             choices=lambda ctx, values: [("排候补", "排候补"), ("不报了", "取消")], show=lambda _: "排候补"),
        *CONTACT_SLOTS,
        Slot("age", "年纪", lambda ctx, values: texts.CLASS_ASK_AGE + texts.SKIP_WORDS_HINT, _parse_age,
             show=lambda age: f"{age}岁" if age else "没填"),
    ),
    submit=_submit,
))


def start(ctx: Context, text: str) -> Reply:
    klass = ctx.services.find_class(text)
    if klass is None:
        return dialog.start(ctx, "enroll")
    if (existing := _existing(ctx, klass)) is not None:
        return Reply.say(texts.CLASS_ALREADY.format(klass=klass.name, status=STATUS_TEXT[existing.status]))
    intro = texts.CLASS_INTRO.format(klass=klass.name, schedule=klass.schedule, place=klass.place)
    return dialog.start(ctx, "enroll", {"klass": klass.name}, intro=intro)


# --- my classes, withdraw, promotion -------------------------------------------------------


def _mine(ctx: Context) -> list[Enrollment]:
    terms = {(c.id, c.term) for c in ctx.services.classes}
    rows = ctx.session.scalars(select(Enrollment).where(
        Enrollment.user_id == ctx.user.id, Enrollment.status.in_(ACTIVE)).order_by(Enrollment.id))
    return [row for row in rows if (row.class_id, row.term) in terms]


def _describe(ctx: Context, enrollment: Enrollment) -> str:
    klass = ctx.services.klass(enrollment.class_id)
    if enrollment.status == "waiting":
        return f"{klass.name}：候补第{_waiting_position(ctx.session, enrollment)}位"
    return f"{klass.name}：已报名，{klass.schedule}，{klass.place}"


def _options(ctx: Context) -> list[tuple[str, str]]:
    return [(_describe(ctx, row), ctx.services.klass(row.class_id).name) for row in _mine(ctx)]


def my_classes(ctx: Context, text: str = "") -> Reply:
    rows = _mine(ctx)
    if not rows:
        return Reply.say(texts.CLASS_NONE)
    return Reply.say("\n".join([texts.CLASS_LIST, *(_describe(ctx, r) for r in rows), texts.CLASS_LIST_FOOTER]))


def withdraw(session: Session, services: Services, enrollment: Enrollment) -> None:
    """A freed seat goes to the first on the waiting list, who is told by message."""
    seat, was_enrolled = enrollment.seat, enrollment.status == "enrolled"
    enrollment.status, enrollment.seat = "cancelled", None
    session.flush()
    if not was_enrolled:
        return
    first = session.scalars(select(Enrollment).where(
        Enrollment.class_id == enrollment.class_id, Enrollment.term == enrollment.term,
        Enrollment.status == "waiting").order_by(Enrollment.id).limit(1).with_for_update(skip_locked=True)).first()
    if first is None:
        return
    first.status, first.seat = "enrolled", seat
    user = session.get(User, first.user_id) if first.user_id else None
    klass = services.klass(first.class_id)
    if user is not None and klass is not None:
        outbox.enqueue(session, openid=user.openid, key=f"class:{first.id}:promoted",
                       text=texts.CLASS_PROMOTED.format(klass=klass.name, details=klass.details))
    log.info("class %s seat %s promoted from the waiting list: %s", first.class_id, seat, mask_name(first.name))


def _submit_withdraw(ctx: Context, values: Values) -> str:
    klass = ctx.services.klass(values["enrollment"])
    row = _existing(ctx, klass)
    withdraw(ctx.session, ctx.services, row)
    return texts.CLASS_WITHDRAWN.format(klass=klass.name)


dialog.register(Form(
    name="withdraw", title="退出", submit=_submit_withdraw,
    slots=(pick_slot("enrollment", "班", lambda: texts.CLASS_ASK_WHICH_MINE, lambda: texts.CLASS_UNKNOWN, _options),),
))


def cancel(ctx: Context, text: str) -> Reply:
    klass = ctx.services.find_class(text)
    return start_pick(ctx, "withdraw", "enrollment", _options, texts.CLASS_NONE, klass.name if klass else None)
