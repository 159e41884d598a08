"""The multi-turn form engine: named states, slots with parsers, back/cancel, confirm, expiry."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from bot.content import texts
from bot.conversation.context import Context, Flow
from bot.conversation.message import Offer, Reply, join, offer
from bot.conversation.words import BACK, HELP, looks_like_question, said
from bot.conversation.words import CONFIRM as CONFIRM_WORDS

Values = dict[str, Any]
CONFIRM = "confirm"
EDIT_PREFIX = "修改 "
KEEP = "不办了"  # what the "keep it" choice of an undo form says: a cancel word, so the form is left
STILL_UNCLEAR = "还是没弄明白，回复“人工”请工作人员帮您，或回复“取消”不办了。"


class Invalid(ValueError):
    """A reply that does not fill the slot; the message tells the resident why."""


class Incomplete(Invalid):
    """Understood in part (a day without 上午/下午): the message asks for the rest; no FAQ, no failure.

    `keep` is what was understood; the engine hands it back to the same slot's parser with the next reply.
    """

    def __init__(self, message: str, keep: Values | None = None) -> None:
        super().__init__(message)
        self.keep = keep or {}


class Refused(Invalid):
    """An answer that rules the form out (too young for the class): the form ends, the message says why and
    where to go instead."""


class Updates(dict[str, Any]):
    """Returned by a parser that fills more than its own slot (用上次的: name and phone), own slot included."""


class Retry(Exception):
    """Raised by a submit whose value went stale meanwhile (the last place was taken): ask that slot again."""

    def __init__(self, slot: str, message: str) -> None:
        super().__init__(message)
        self.slot = slot


@dataclass(frozen=True)
class Slot:
    name: str
    label: Callable[[], str]  # shown in the summary and the "改…" choices; read when shown (texts)
    prompt: str | Callable[[Context, Values], str]
    parse: Callable[[Context, str, Mapping[str, Any]], Any]  # a value or Updates; never writes
    choices: Callable[[Context, Values], list[tuple[str, str]]] | None = None
    show_choices: bool = False  # list the choices with the first prompt, not only after failures
    ask_if: Callable[[Context, Values], bool] | None = None
    accepts: str | None = None  # "image" or "location": an attachment can fill this slot
    show: Callable[[Any], str] = str  # how the value reads in the summary
    # Whether the resident must check this value in the short summary (a value, or a test of it: a photo
    # only when one came); an optional 年纪 or a 片区 found from the place is left out, and not offered as 改….
    in_summary: bool | Callable[[Any], bool] = True
    free_text: bool = False  # any words are an answer here (an announcement): no command may jump out
    # Finds this slot's value named anywhere in a later reply ("还是报秧歌吧" while asked the phone):
    # a change of mind, which replaces the value given before.
    spot: Callable[[Context, str], str | None] | None = None

    def prompt_text(self, ctx: Context, values: Values) -> str:
        return self.prompt(ctx, values) if callable(self.prompt) else self.prompt

    def summarised(self, values: Values) -> bool:
        """Given, and worth a line (and a 改…) in the short summary."""
        if self.name not in values:
            return False
        return self.in_summary(values[self.name]) if callable(self.in_summary) else self.in_summary


@dataclass(frozen=True)
class Undo:
    """A form that itself undoes something (取消预约): 取消 would be ambiguous, so each choice says what it does."""

    submit: Callable[[], str]  # 确认取消这个预约
    keep: Callable[[], str]  # 不取消，预约保留
    kept: Callable[[], str]  # said when the resident leaves the form: nothing was undone


@dataclass(frozen=True)
class Form:
    name: str
    title: Callable[[], str]  # read when shown: texts come with the snapshot
    slots: tuple[Slot, ...]
    submit: Callable[[Context, Values], str]
    confirm: bool = True
    undo: Undo | None = None

    def slot(self, name: str) -> Slot:
        return next(s for s in self.slots if s.name == name)

    def handle(self, ctx: Context, step: str, text: str) -> Reply:
        return _handle(ctx, self, step, text)

    def question(self, ctx: Context, step: str) -> Offer:
        return _ask(ctx, self, step, with_choices=True)

    def takes(self, ctx: Context, step: str, text: str) -> bool:
        if step == CONFIRM:
            return False
        slot = self.slot(step)
        if slot.free_text:
            return True
        try:
            slot.parse(ctx, text, _parser_values(ctx))
        except Invalid:
            return False
        return True


def active_form(ctx: Context) -> tuple[Flow, str] | None:
    conversation = ctx.conversation
    flow = ctx.forms.get(conversation.form) if conversation.form else None
    return (flow, conversation.step) if flow and conversation.step else None


def enter(ctx: Context, flow: str, step: str) -> None:
    """The conversation is now in `flow` at `step`: two typed fields, never one joined string."""
    ctx.conversation.form, ctx.conversation.step = flow, step


KEPT_AFTER_CLOSE = ("submitted", "topic")  # what outlives a form: a repeat guard, the topic of the talk


def begin(ctx: Context, state: Values) -> None:
    """A flow's fresh state; the words that opened it are kept to say how to start again after a timeout."""
    data = ctx.conversation.data
    kept = {key: data[key] for key in KEPT_AFTER_CLOSE if key in data}
    ctx.conversation.data = {**kept, **state, "opened_by": data.get("last_text", "")}


def close(ctx: Context) -> None:
    """The form is over; its numbered choices (the summary's 确认提交, 改…) go with it."""
    ctx.conversation.form = ctx.conversation.step = None
    ctx.conversation.choices = []
    ctx.conversation.data = {k: v for k, v in ctx.conversation.data.items() if k in KEPT_AFTER_CLOSE}


def leave(ctx: Context) -> str:
    """取消 (or 算了 in a sentence) inside a form: close it and say plainly what that means."""
    flow, _ = active_form(ctx)
    close(ctx)
    undo = getattr(flow, "undo", None)
    return undo.kept() if undo else texts.FORM_CANCELLED


def at_free_text(ctx: Context) -> bool:
    """Is the open step one where any words are the answer (an announcement, a description)?"""
    found = active_form(ctx)
    if found is None or not isinstance(found[0], Form) or found[1] == CONFIRM:
        return False
    return found[0].slot(found[1]).free_text


def expire_if_stale(ctx: Context) -> str | None:
    """Checked on the next message: a form silent for too long is closed; returns the words that had
    opened it ("" if unknown), None when nothing expired."""
    if ctx.conversation.form is None:
        return None
    if ctx.now - ctx.conversation.updated_at <= timedelta(minutes=ctx.settings.FORM_TIMEOUT_MINUTES):
        return None
    opened_by = ctx.conversation.data.get("opened_by", "")
    close(ctx)
    return opened_by


def start(ctx: Context, name: str, values: Values | None = None, intro: str = "",
          pending: Values | None = None) -> Reply:
    """Open a form; `pending` is what the opening words said in part (Incomplete.keep of the next slot)."""
    form = ctx.forms[name]
    begin(ctx, {"values": dict(values or {}), "fails": 0, "asked": [], "pending": pending or {}})
    enter(ctx, name, "start")
    return Reply.offering(join(intro, _advance(ctx, form)))


def handle(ctx: Context, text: str) -> Reply | None:
    """Feed one typed reply to the open form; None when no form is open."""
    found = active_form(ctx)
    if found is None:
        return _repeat_of_submission(ctx, text)
    flow, step = found
    return flow.handle(ctx, step, text)


def _fill(ctx: Context, slot: Slot, result: Any) -> None:
    """Store what a parser returned: its own slot's value, or the slot updates it asked for."""
    values = ctx.conversation.data["values"]
    if isinstance(result, Updates):
        values.update(result)
    else:
        values[slot.name] = result


def _parser_values(ctx: Context) -> MappingProxyType[str, Any]:
    """Read-only for the parser: the values so far plus what its last Incomplete answer left.
    A parser changes slots only through what it returns (a value, Updates) or raises (Incomplete.keep)."""
    data = ctx.conversation.data
    return MappingProxyType({**data["values"], **data.get("pending", {})})


def _handle(ctx: Context, form: Form, step: str, text: str) -> Reply:
    data = ctx.conversation.data
    if said(text, BACK):
        return Reply.offering(_back(ctx, form, step))
    if said(text, HELP):
        return Reply.offering(_ask(ctx, form, step, with_choices=True))
    switched = _change_of_mind(ctx, form, step, text)
    if switched is not None:
        return Reply.offering(switched)
    if step == CONFIRM:
        return Reply.offering(_on_confirm(ctx, form, text))
    slot = form.slot(step)
    try:
        result = slot.parse(ctx, text, _parser_values(ctx))
    except Incomplete as incomplete:
        data["pending"] = incomplete.keep
        return Reply.say(str(incomplete))
    except Refused as refused:
        close(ctx)
        return Reply.say(str(refused))
    except Invalid as invalid:
        return Reply.offering(_on_invalid(ctx, form, slot, text, str(invalid)))
    _fill(ctx, slot, result)
    data.pop("pending", None)
    data["fails"] = 0
    return Reply.offering(_advance(ctx, form))


def _change_of_mind(ctx: Context, form: Form, step: str, text: str) -> Offer | None:
    """Another class or errand named after one was chosen replaces it; the resident sees the change, then
    the same question (or the summary again, with the new value)."""
    values = ctx.conversation.data["values"]
    for slot in form.slots:
        if slot.spot is None or slot.name == step:
            continue
        if slot.name not in values and (slot.ask_if is None or slot.ask_if(ctx, values)):
            continue  # still to be asked in its turn; a never-asked slot (for whom) may be named any time
        named = slot.spot(ctx, text)
        if named is None or named == values.get(slot.name):
            continue
        try:
            result = slot.parse(ctx, named, _parser_values(ctx))
        except Incomplete as incomplete:  # 改到下周三: that slot asks for the half-day
            values.pop(slot.name)
            ctx.conversation.data["pending"] = incomplete.keep
            _set_step(ctx, form, slot.name)
            return Offer(str(incomplete))
        except Invalid as invalid:
            return join(str(invalid), _ask(ctx, form, step, with_choices=True))
        _fill(ctx, slot, result)
        for later in form.slots:  # a question asked only because of the old value is asked again
            if later.ask_if is not None and later.spot is None:  # (what the resident named stays)
                values.pop(later.name, None)
        shown = texts.FORM_CHANGED.format(label=slot.label(), value=slot.show(values[slot.name]))
        return join(shown, _advance(ctx, form) if step == CONFIRM else _ask(ctx, form, step, True))
    return None


def handle_attachment(ctx: Context, kind: str, value: dict[str, Any]) -> Reply | None:
    """An image or location fills the slot that accepts it, whichever step the resident is at; one no slot
    wants (a sticker, a photo while asked the phone) gets a short word and the open question again."""
    found = active_form(ctx)
    if found is None:
        return None
    flow, step = found
    slot = next((s for s in flow.slots if s.accepts == kind), None) if isinstance(flow, Form) else None
    if slot is None:
        return Reply.offering(join(texts.FORM_MEDIA_ASIDE, flow.question(ctx, step)))
    form = flow
    ctx.conversation.data["values"][slot.name] = value
    if step == slot.name:
        ctx.conversation.data["fails"] = 0
        return Reply.offering(_advance(ctx, form))
    # Sent early (or from the summary): keep it and carry on where the resident was.
    return Reply.offering(join(texts.ATTACHMENT_KEPT.format(what=slot.label()), _ask(ctx, form, step, True)))


def takes_as_answer(ctx: Context, text: str) -> bool:
    """Would the open step accept this text (any text, for free-text steps)? Tried on a copy."""
    found = active_form(ctx)
    return found is not None and found[0].takes(ctx, found[1], text)


def current_question(ctx: Context) -> Offer:
    """The open form's question again, with its choices (after an aside)."""
    flow, step = active_form(ctx)
    return flow.question(ctx, step)


def not_understood(ctx: Context, why: str, question: Offer) -> Offer:
    """Why, then the question; the third miss in a row also offers a person or a way out."""
    data = ctx.conversation.data
    data["fails"] = data.get("fails", 0) + 1
    if data["fails"] >= 3:
        return join(why, STILL_UNCLEAR, question)
    return join(why, question)


def _advance(ctx: Context, form: Form) -> Offer:
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
    enter(ctx, form.name, step)


def _ask(ctx: Context, form: Form, step: str, with_choices: bool) -> Offer:
    values = ctx.conversation.data["values"]
    if step == CONFIRM:
        lines = [texts.FORM_CONFIRM_HEADER.format(title=form.title())]
        for slot in form.slots:
            if slot.summarised(values):
                lines.append(f"{slot.label()}：{slot.show(values[slot.name])}")
        footer = "" if form.undo else texts.FORM_CONFIRM_FOOTER
        return join("\n".join(lines), _confirm_choices(form, values), footer)
    slot = form.slot(step)
    prompt = slot.prompt_text(ctx, values)
    if with_choices and slot.choices:
        options = slot.choices(ctx, values)
        if options:
            return join(prompt, offer(options))
    return Offer(prompt)


def _on_invalid(ctx: Context, form: Form, slot: Slot, text: str, why: str) -> Offer:
    match = ctx.knowledge.match(text) if looks_like_question(text) else None
    if match is not None and match.outcome == "answer":
        # A question in the middle of a form: answer it, then ask the same slot again.
        return join(match.candidates[0].answer, "——", _ask(ctx, form, slot.name, slot.show_choices))
    fails = ctx.conversation.data.get("fails", 0) + 1
    return not_understood(ctx, why, _ask(ctx, form, slot.name, with_choices=fails >= 2 or slot.show_choices))


def _on_confirm(ctx: Context, form: Form, text: str) -> Offer:
    if said(text, CONFIRM_WORDS):
        return _submit(ctx, form)
    if text.startswith(EDIT_PREFIX) and text[len(EDIT_PREFIX):] in {s.name for s in form.slots}:
        ctx.conversation.data["values"].pop(text[len(EDIT_PREFIX):], None)
        return _advance(ctx, form)
    # The summary is still on screen just above: one line and its choices, not the whole summary again.
    return join(texts.FORM_CHOOSE_BY_NUMBER, _confirm_choices(form, ctx.conversation.data["values"]))


def _confirm_choices(form: Form, values: Values) -> Offer:
    """Submit (saying what it does), keep (undo forms), then change each field given."""
    options = [(form.undo.submit() if form.undo else texts.FORM_CONFIRM_SUBMIT, "确认")]
    if form.undo:
        options.append((form.undo.keep(), KEEP))
    options += [(texts.FORM_EDIT.format(label=slot.label()), EDIT_PREFIX + slot.name)
                for slot in form.slots if slot.summarised(values)]
    return offer(options)


def _submit(ctx: Context, form: Form) -> Offer:
    values = dict(ctx.conversation.data["values"])
    try:
        result = form.submit(ctx, values)
    except Retry as retry:
        ctx.conversation.data["values"].pop(retry.slot, None)
        return join(str(retry), _advance(ctx, form))
    close(ctx)
    if form.confirm:  # only a confirmed submission can be confirmed again by mistake
        ctx.conversation.data["submitted"] = {"form": form.name, "at": ctx.now.isoformat(), "reply": result}
    return Offer(result)


def _back(ctx: Context, form: Form, current: str) -> Offer:
    data = ctx.conversation.data
    asked: list[str] = data.get("asked", [])
    if current != CONFIRM and asked and asked[-1] == current:
        asked.pop()
    if not asked:
        return join(texts.FORM_FIRST_STEP, _ask(ctx, form, current, with_choices=True))
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
