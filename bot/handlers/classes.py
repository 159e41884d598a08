"""太极拳/秧歌 sign-up: a seat while places last, then a waiting list promoted in order."""
from __future__ import annotations

from bot.content import texts
from bot.content.services import ClassInfo
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Refused, Slot, Undo, Updates, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.handlers import kindergarten
from bot.handlers.common import named, pick_slot, start_pick
from bot.handlers.contact import (
    CONTACT_SLOTS,
    for_whom,
    is_skip,
    named_participant,
    participant,
    participant_slot,
    remember_contact,
)
from bot.knowledge.chinese import parse_age
from bot.models import Enrollment, EnrollmentStatus
from bot.services import enrollments

router = Router("classes")
WAIT_WORDS = {"排候补", "候补", "排队", "排队等", "好", "好的", "要", "可以", "行"}
STATUS_TEXT = {EnrollmentStatus.ENROLLED: "已报名", EnrollmentStatus.WAITING: "候补"}


def _klass(ctx: Context, values: Values) -> ClassInfo:
    """The class as its term stands now (staff may have changed its dates or capacity in the console)."""
    return enrollments.current(ctx.session, ctx.services.klass(values["klass"]))


def _is_full(ctx: Context, values: Values) -> bool:
    return enrollments.is_full(ctx.session, _klass(ctx, values))


def _existing(ctx: Context, klass: ClassInfo, who: str | None) -> Enrollment | None:
    return enrollments.existing(ctx.session, ctx.user.id, klass, who)


def _find_class(ctx: Context, text: str) -> ClassInfo | None:
    """秧歌 in 报名秧歌; 秧歌 in 不报太极了，报秧歌."""
    return named(text, ctx.services.classes, lambda klass: (klass.name, *klass.aliases))


def _parse_class(ctx: Context, text: str, values: Values) -> str:
    klass = ctx.services.klass(text) or _find_class(ctx, text)
    if klass is None:
        raise Invalid(texts.CLASS_UNKNOWN)
    return klass.name


def _named_class(ctx: Context, text: str) -> str | None:
    klass = _find_class(ctx, text)
    return klass.name if klass else None


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


def _age_prompt(ctx: Context, values: Values) -> str:
    who = values.get("participant")
    return texts.CLASS_ASK_PARTICIPANT_AGE.format(who=who) if who else texts.CLASS_ASK_AGE


def _age_limit(klass: ClassInfo) -> str:
    """6到16岁, 60岁以上, 12岁以下: the limit as residents read it."""
    if klass.min_age is not None and klass.max_age is not None:
        return texts.AGE_BETWEEN.format(low=klass.min_age, high=klass.max_age)
    if klass.min_age is not None:
        return texts.AGE_FROM.format(age=klass.min_age)
    return texts.AGE_UP_TO.format(age=klass.max_age)


def _limited(ctx: Context, values: Values) -> bool:
    return "klass" in values and ctx.services.klass(values["klass"]).has_age_limit


def _parse_age_in_limit(ctx: Context, text: str, values: Values) -> Updates:
    """A class with an age limit asks the age of whoever takes part before any name or phone: out of the
    limit, the form ends with the reason and where to go instead (another class that fits, or a person)."""
    age = parse_age(text, ctx.local_now.date())
    if age is None:
        raise Invalid(texts.CLASS_AGE_NEEDED)
    klass = ctx.services.klass(values["klass"])
    if not klass.admits(age):
        fitting = [c.name for c in ctx.services.classes if c.id != klass.id and c.admits(age)]
        then = texts.CLASS_AGE_OTHERS.format(classes="、".join(fitting)) if fitting else texts.CLASS_AGE_ASK_STAFF
        raise Refused(texts.CLASS_AGE_OUTSIDE.format(
            klass=klass.name, limit=_age_limit(klass), who=values.get("participant") or texts.YOU, age=age, then=then))
    return Updates(age_checked=age, age=age)


def _submit(ctx: Context, values: Values) -> str:
    klass = _klass(ctx, values)
    try:
        enrollment = enrollments.sign_up(ctx.session, user=ctx.user, klass=klass, name=values["name"],
                                         phone=values["phone"], age=values.get("age"), now=ctx.now,
                                         participant=participant(values))
    except enrollments.AlreadyEnrolled as error:
        return texts.CLASS_ALREADY.format(klass=klass.name, status=STATUS_TEXT[error.enrollment.status])
    remember_contact(ctx, values)
    if enrollment.status == EnrollmentStatus.ENROLLED:
        return texts.CLASS_ENROLLED.format(details=klass.details)
    return texts.CLASS_WAITING.format(klass=klass.name,
                                      position=enrollments.waiting_position(ctx.session, enrollment))


router.form(Form(
    name="enroll",
    title=lambda: texts.FORM_ENROL,
    slots=(
        Slot("klass", lambda: texts.LABEL_CLASS,
             lambda ctx, values: texts.CLASS_ASK_WHICH, _parse_class, show_choices=True,
             choices=lambda ctx, values: [(f"{c.name}（{c.schedule}）", c.name) for c in ctx.services.classes],
             spot=_named_class),
        Slot("wait", lambda: texts.LABEL_WAIT, _full_prompt, _parse_wait, show_choices=True, ask_if=_is_full,
             choices=lambda ctx, values: [("排候补", "排候补"), ("不报了", "取消")], show=lambda _: "排候补"),
        participant_slot(lambda ctx, values: ctx.services.klass(values["klass"]).for_whom if "klass" in values else (),
                         lambda: texts.CLASS_ASK_FOR_WHOM),
        Slot("age_checked", lambda: texts.LABEL_AGE, _age_prompt, _parse_age_in_limit, ask_if=_limited,
             show=lambda age: texts.AGE_YEARS.format(age=age)),
        *CONTACT_SLOTS,
        Slot("age", lambda: texts.LABEL_AGE, lambda ctx, values: _age_prompt(ctx, values) + texts.SKIP_WORDS_HINT,
             _parse_age, in_summary=False),
    ),
    submit=_submit,
))


@router.intent("enroll", form="enroll")
def start(ctx: Context, text: str) -> Reply:
    klass = _find_class(ctx, text)
    who = named_participant(ctx, text)  # 给我孙子报秧歌: the child takes part, the resident is the contact
    values: Values = {"participant": who} if who else {}
    if klass is None:
        return dialog.start(ctx, "enroll", values)
    if (existing := _existing(ctx, klass, who)) is not None:
        return Reply.say(texts.CLASS_ALREADY.format(klass=klass.name, status=STATUS_TEXT[existing.status]))
    intro = texts.CLASS_INTRO.format(klass=klass.name, schedule=klass.schedule, place=klass.place)
    return dialog.start(ctx, "enroll", {**values, "klass": klass.name}, intro=intro)


# --- my classes, withdraw, promotion -------------------------------------------------------


def _mine(ctx: Context) -> list[Enrollment]:
    return enrollments.mine(ctx.session, ctx.user.id, ctx.services)


def _describe(ctx: Context, enrollment: Enrollment) -> str:
    klass = ctx.services.klass(enrollment.class_id)
    name = _key(ctx, enrollment)
    if enrollment.status == EnrollmentStatus.WAITING:
        return f"{name}：候补第{enrollments.waiting_position(ctx.session, enrollment)}位"
    return f"{name}：已报名，{klass.schedule}，{klass.place}"


def _key(ctx: Context, enrollment: Enrollment) -> str:
    """秧歌班, or 秧歌班（为孙子） for the grandchild's place beside the resident's own."""
    return f"{ctx.services.klass(enrollment.class_id).name}{for_whom(enrollment.participant)}"


def _options(ctx: Context) -> list[tuple[str, str]]:
    return [(_describe(ctx, row), _key(ctx, row)) for row in _mine(ctx)]


@router.intent("my_classes", lookup=True)
def my_classes(ctx: Context, text: str = "") -> Reply:
    rows, kinder = _mine(ctx), kindergarten.my_lines(ctx)  # a child's kindergarten pre-registration is 报名 too
    if not rows and not kinder:
        return Reply.say(texts.CLASS_NONE)
    classes = [texts.CLASS_LIST, *(_describe(ctx, r) for r in rows), texts.CLASS_LIST_FOOTER] if rows else []
    kinder = [texts.KINDER_LIST, *kinder, texts.KINDER_LIST_FOOTER] if kinder else []
    return Reply.say("\n".join(classes + kinder))


def _submit_withdraw(ctx: Context, values: Values) -> str:
    row = next(row for row in _mine(ctx) if _key(ctx, row) == values["enrollment"])
    enrollments.withdraw(ctx.session, ctx.services, row)
    return texts.CLASS_WITHDRAWN.format(klass=values["enrollment"])


router.form(Form(
    name="withdraw", title=lambda: texts.FORM_WITHDRAW, submit=_submit_withdraw,
    undo=Undo(lambda: texts.CLASS_WITHDRAW_SUBMIT, lambda: texts.CLASS_WITHDRAW_KEEP,
              lambda: texts.CLASS_WITHDRAW_KEPT),
    slots=(pick_slot("enrollment", lambda: texts.LABEL_CLASS,
                     lambda: texts.CLASS_ASK_WHICH_MINE, lambda: texts.CLASS_UNKNOWN, _options),),
))


@router.intent("class_cancel", form="withdraw")
def cancel(ctx: Context, text: str) -> Reply:
    klass = ctx.services.find_class(text)
    return start_pick(ctx, "withdraw", "enrollment", _options, texts.CLASS_NONE, klass.name if klass else None)
