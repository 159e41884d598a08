"""太极拳/秧歌 sign-up: a seat while places last, then a waiting list promoted in order."""
from __future__ import annotations

from bot.content import texts
from bot.content.services import ClassInfo
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Invalid, Slot, Undo, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.handlers import kindergarten
from bot.handlers.common import pick_slot, start_pick
from bot.handlers.contact import CONTACT_SLOTS, for_whom, is_skip, named_participant, remember_contact
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


def _existing(ctx: Context, klass: ClassInfo, participant: str | None) -> Enrollment | None:
    return enrollments.existing(ctx.session, ctx.user.id, klass, participant)


def _parse_class(ctx: Context, text: str, values: Values) -> str:
    klass = ctx.services.klass(text) or ctx.services.find_class(text)
    if klass is None:
        raise Invalid(texts.CLASS_UNKNOWN)
    return klass.name


def _named_class(ctx: Context, text: str) -> str | None:
    klass = ctx.services.find_class(text)
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


def _submit(ctx: Context, values: Values) -> str:
    klass = _klass(ctx, values)
    try:
        enrollment = enrollments.sign_up(ctx.session, user=ctx.user, klass=klass, name=values["name"],
                                         phone=values["phone"], age=values.get("age"), now=ctx.now,
                                         participant=values.get("participant"))
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
        *CONTACT_SLOTS,
        Slot("age", lambda: texts.LABEL_AGE,
             lambda ctx, values: (texts.CLASS_ASK_PARTICIPANT_AGE.format(who=values["participant"])
                                  if values.get("participant") else texts.CLASS_ASK_AGE) + texts.SKIP_WORDS_HINT,
             _parse_age,
             in_summary=False),
    ),
    submit=_submit,
))


@router.intent("enroll", form="enroll")
def start(ctx: Context, text: str) -> Reply:
    klass = ctx.services.find_class(text)
    participant = named_participant(ctx, text)  # 给我孙子报秧歌: the child takes part, the resident is the contact
    values: Values = {"participant": participant} if participant else {}
    if klass is None:
        return dialog.start(ctx, "enroll", values)
    if (existing := _existing(ctx, klass, participant)) is not None:
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
