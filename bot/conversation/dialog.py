"""The multi-turn form engine: named states, slots with parsers, back/cancel, confirm, expiry."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.conversation import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.conversation.words import BACK, HELP, looks_like_question, said
from bot.conversation.words import CONFIRM as CONFIRM_WORDS

Values = dict[str, Any]
CONFIRM = "confirm"
EDIT_PREFIX = "修改 "


class Invalid(ValueError):
    """A reply that does not fill the slot; the message tells the resident why."""


class Incomplete(Invalid):
    """Understood in part (a day without 上午/下午): the message asks for the rest; no FAQ, no failure."""


class Retry(Exception):
    """Raised by a submit whose value went stale meanwhile (the last place was taken): ask that slot again."""

    def __init__(self, slot: str, message: str) -> None:
        super().__init__(message)
        self.slot = slot


@dataclass(frozen=True)
class Slot:
    name: str
    label: str  # shown in the summary and the "改…" choices
    prompt: str | Callable[[Context, Values], str]
    parse: Callable[[Context, str, Values], Any]
    choices: Callable[[Context, Values], list[tuple[str, str]]] | None = None
    show_choices: bool = False  # list the choices with the first prompt, not only after failures
    ask_if: Callable[[Context, Values], bool] | None = None
    accepts: str | None = None  # "image" or "location": an attachment can fill this slot
    show: Callable[[Any], str] = str  # how the value reads in the summary
    free_text: bool = False  # any words are an answer here (an announcement): no command may jump out

    def prompt_text(self, ctx: Context, values: Values) -> str:
        return self.prompt(ctx, values) if callable(self.prompt) else self.prompt


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    slots: tuple[Slot, ...]
    submit: Callable[[Context, Values], str]
    confirm: bool = True
    keep_on_question: bool = True  # False: a FAQ question ends this (optional) form instead of pausing it

    def slot(self, name: str) -> Slot:
        return next(s for s in self.slots if s.name == name)


FORMS: dict[str, Form] = {}


def register(form: Form) -> Form:
    FORMS[form.name] = form
    return form


def active_form(ctx: Context) -> tuple[Form, str] | None:
    state = ctx.conversation.state
    if not state or "." not in state:
        return None
    name, step = state.split(".", 1)
    form = FORMS.get(name)
    return (form, step) if form else None


def close(ctx: Context) -> None:
    ctx.conversation.state = None
    ctx.conversation.data = {k: v for k, v in ctx.conversation.data.items() if k == "submitted"}


def expire_if_stale(ctx: Context) -> bool:
    """Checked on the next message: a form silent for too long is closed and the resident told."""
    if ctx.conversation.state is None:
        return False
    if ctx.now - ctx.conversation.updated_at <= timedelta(minutes=ctx.settings.FORM_TIMEOUT_MINUTES):
        return False
    close(ctx)
    ctx.notices.append(texts.FORM_EXPIRED)
    return True


def start(ctx: Context, name: str, values: Values | None = None, intro: str = "") -> Reply:
    form = FORMS[name]
    ctx.conversation.data = {"values": dict(values or {}), "fails": 0, "asked": []}
    ctx.conversation.state = f"{name}.start"
    return Reply.say(_join(intro, _advance(ctx, form)))


def handle(ctx: Context, text: str) -> Reply | None:
    """Feed one typed reply to the open form; None when no form is open."""
    found = active_form(ctx)
    if found is None:
        return _repeat_of_submission(ctx, text)
    form, step = found
    data = ctx.conversation.data
    if said(text, BACK):
        return Reply.say(_back(ctx, form))
    if said(text, HELP):
        return Reply.say(_ask(ctx, form, step, with_choices=True))
    if step == CONFIRM:
        return Reply.say(_on_confirm(ctx, form, text))
    slot = form.slot(step)
    try:
        data["values"][slot.name] = slot.parse(ctx, text, data["values"])
    except Incomplete as incomplete:
        return Reply.say(str(incomplete))
    except Invalid as invalid:
        return Reply.say(_on_invalid(ctx, form, slot, text, str(invalid)))
    data["fails"] = 0
    return Reply.say(_advance(ctx, form))


def handle_attachment(ctx: Context, kind: str, value: dict[str, Any]) -> Reply | None:
    """An image or location fills the slot that accepts it, whichever step the resident is at."""
    found = active_form(ctx)
    if found is None:
        return None
    form, step = found
    slot = next((s for s in form.slots if s.accepts == kind), None)
    if slot is None:
        return None
    ctx.conversation.data["values"][slot.name] = value
    if step == slot.name:
        ctx.conversation.data["fails"] = 0
        return Reply.say(_advance(ctx, form))
    # Sent early (or from the summary): keep it and carry on where the resident was.
    return Reply.say(_join(texts.ATTACHMENT_KEPT.format(what=slot.label), _ask(ctx, form, step, with_choices=True)))


def takes_as_answer(ctx: Context, text: str) -> bool:
    """Would the open step accept this text (any text, for free-text steps)? Tried on a copy."""
    found = active_form(ctx)
    if found is None or found[1] == CONFIRM:
        return False
    slot = found[0].slot(found[1])
    if slot.free_text:
        return True
    try:
        slot.parse(ctx, text, dict(ctx.conversation.data["values"]))
    except Invalid:
        return False
    return True


def current_question(ctx: Context) -> str:
    """The open form's question again, with its choices (after an aside)."""
    form, step = active_form(ctx)
    return _ask(ctx, form, step, with_choices=True)


def _advance(ctx: Context, form: Form) -> str:
    data = ctx.conversation.data
    values = data["values"]
    for slot in form.slots:
        if slot.name in values or (slot.ask_if and not slot.ask_if(ctx, values)):
            continue
        _set_step(ctx, form, slot.name)
        return _ask(ctx, form, slot.name, with_choices=slot.show_choices)
    if not form.confirm:
        return _submit(ctx, form)
    _set_step(ctx, form, CONFIRM)
    return _ask(ctx, form, CONFIRM, with_choices=True)


def _set_step(ctx: Context, form: Form, step: str) -> None:
    asked = ctx.conversation.data.setdefault("asked", [])
    if step != CONFIRM and step not in asked:
        asked.append(step)
    ctx.conversation.state = f"{form.name}.{step}"


def _ask(ctx: Context, form: Form, step: str, with_choices: bool) -> str:
    values = ctx.conversation.data["values"]
    if step == CONFIRM:
        lines = [texts.FORM_CONFIRM_HEADER.format(title=form.title)]
        for slot in form.slots:
            if slot.name in values:
                lines.append(f"{slot.label}：{slot.show(values[slot.name])}")
        options = [(texts.FORM_CONFIRM_SUBMIT, "确认")] + [
            (texts.FORM_EDIT.format(label=slot.label), EDIT_PREFIX + slot.name)
            for slot in form.slots if slot.name in values
        ]
        return "\n".join(lines) + "\n" + ctx.offer(options) + "\n" + texts.FORM_CONFIRM_FOOTER
    slot = form.slot(step)
    prompt = slot.prompt_text(ctx, values)
    if with_choices and slot.choices:
        options = slot.choices(ctx, values)
        if options:
            return prompt + "\n" + ctx.offer(options)
    return prompt


def _on_invalid(ctx: Context, form: Form, slot: Slot, text: str, why: str) -> str:
    match = ctx.knowledge.match(text) if looks_like_question(text) else None
    if match is not None and match.outcome == "answer":
        if not form.keep_on_question:
            close(ctx)
            return match.candidates[0].answer
        # A question in the middle of a form: answer it, then ask the same slot again.
        return _join(match.candidates[0].answer, "——\n" + _ask(ctx, form, slot.name, slot.show_choices))
    data = ctx.conversation.data
    data["fails"] = data.get("fails", 0) + 1
    if data["fails"] >= 3:
        return _join(why, texts.FORM_STUCK,
                     _ask(ctx, form, slot.name, with_choices=True))
    return _join(why, _ask(ctx, form, slot.name, with_choices=data["fails"] >= 2 or slot.show_choices))


def _on_confirm(ctx: Context, form: Form, text: str) -> str:
    if said(text, CONFIRM_WORDS):
        return _submit(ctx, form)
    if text.startswith(EDIT_PREFIX) and text[len(EDIT_PREFIX):] in {s.name for s in form.slots}:
        ctx.conversation.data["values"].pop(text[len(EDIT_PREFIX):], None)
        return _advance(ctx, form)
    return _join(texts.FORM_CHOOSE_BY_NUMBER, _ask(ctx, form, CONFIRM, with_choices=True))


def _submit(ctx: Context, form: Form) -> str:
    values = dict(ctx.conversation.data["values"])
    try:
        result = form.submit(ctx, values)
    except Retry as retry:
        ctx.conversation.data["values"].pop(retry.slot, None)
        return _join(str(retry), _advance(ctx, form))
    close(ctx)
    if form.confirm:  # only a confirmed submission can be confirmed again by mistake
        ctx.conversation.data["submitted"] = {"form": form.name, "at": ctx.now.isoformat(), "reply": result}
    return result


def _back(ctx: Context, form: Form) -> str:
    data = ctx.conversation.data
    asked: list[str] = data.get("asked", [])
    current = ctx.conversation.state.split(".", 1)[1]
    if current != CONFIRM and asked and asked[-1] == current:
        asked.pop()
    if not asked:
        return _join(texts.FORM_FIRST_STEP, _ask(ctx, form, current, with_choices=True))
    previous = asked.pop()
    data["values"].pop(previous, None)
    if current != CONFIRM:
        data["values"].pop(current, None)
    data["fails"] = 0
    _set_step(ctx, form, previous)
    return _ask(ctx, form, previous, with_choices=form.slot(previous).show_choices)


def _repeat_of_submission(ctx: Context, text: str) -> Reply | None:
    """A confirmation sent again after the form closed gets the first result, never a 2nd booking."""
    submitted = ctx.conversation.data.get("submitted")
    if not submitted or not said(text, CONFIRM_WORDS | {"1"}):
        return None
    at = datetime.fromisoformat(submitted["at"])
    if ctx.now - at > timedelta(minutes=ctx.settings.FORM_TIMEOUT_MINUTES):
        return None
    return Reply.say(texts.FORM_ALREADY_SUBMITTED + "\n" + submitted["reply"])


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
