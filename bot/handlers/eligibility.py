"""“我家娃儿能上幼儿园不”: ask only the facts still missing, then the verdict, reason and next step."""
from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.knowledge import Question, Rules, Verdict

FORM_PREFIX = "eligibility_"


def start(ctx: Context, text: str) -> Reply | None:
    """An eligibility question; None when the text is not one (the FAQ then answers it)."""
    normalized = ctx.knowledge.normalize(text)
    rule_id = ctx.rules.detect(normalized)
    if rule_id is None:
        return None
    return check(ctx, rule_id, ctx.rules.extract(rule_id, normalized, ctx.local_now.date()))


def choose(ctx: Context, text: str = "") -> Reply:
    """能不能办: the checks on offer, as numbered choices."""
    options = [(ctx.rules.titles[rule_id], rule_id) for rule_id in ctx.rules.ids]
    return Reply.say(f"{texts.ELIGIBILITY_CHOOSE}\n{ctx.offer(options, key='eligibility')}")


def check(ctx: Context, rule_id: str, facts: dict[str, Any] | None = None) -> Reply:
    """The verdict at once when the facts suffice; otherwise ask only what is missing."""
    rules, facts = ctx.rules, facts or {}
    step = rules.next_step(rule_id, facts, ctx.local_now.date())
    if isinstance(step, Verdict):
        return Reply.say(step.text, f"eligibility:{rule_id}")
    # The rule in one sentence first; the questions then check this resident's own case.
    summary = rules.summaries.get(rule_id)
    if summary:
        intro = f"{summary}\n{texts.ELIGIBILITY_CHECK_OFFER}"
    else:
        intro = texts.ELIGIBILITY_CHECK.format(title=rules.titles.get(rule_id, ""))
    return dialog.start(ctx, _form(rules, rule_id).name, values={k: _store(v) for k, v in facts.items()},
                        intro=intro)


def _form(rules: Rules, rule_id: str) -> dialog.Form:
    """One form per rule, a slot per fact; a slot is asked only when the rules still need it."""
    name = FORM_PREFIX + rule_id
    facts = rules.fact_names(rule_id)
    form = dialog.FORMS.get(name)
    if form is None or tuple(s.name for s in form.slots) != facts:
        form = dialog.register(dialog.Form(
            name=name, title=rules.titles.get(rule_id, rule_id),
            slots=tuple(_slot(rule_id, fact) for fact in facts),
            submit=lambda ctx, values: _verdict(ctx, rule_id, values).text,
            confirm=False,
            keep_on_question=False,
        ))
    return form


def _slot(rule_id: str, fact: str) -> dialog.Slot:
    def question(ctx: Context, values: dict[str, Any]) -> Question | None:
        step = ctx.rules.next_step(rule_id, _facts(values), ctx.local_now.date())
        return step if isinstance(step, Question) and step.fact == fact else None

    def parse(ctx: Context, text: str, values: dict[str, Any]) -> Any:
        value = ctx.rules.parse_answer(rule_id, fact, text, ctx.local_now.date())
        if value is None:
            raise dialog.Invalid("没听明白。")
        return _store(value)

    return dialog.Slot(
        name=fact, label=fact,
        prompt=lambda ctx, values: question(ctx, values).prompt,
        parse=parse,
        ask_if=lambda ctx, values: question(ctx, values) is not None,
    )


def _verdict(ctx: Context, rule_id: str, values: dict[str, Any]) -> Verdict:
    step = ctx.rules.next_step(rule_id, _facts(values), ctx.local_now.date())
    if isinstance(step, Verdict):
        return step
    return Verdict(None, "这个情况我判断不了，请回复“人工”联系工作人员。")


def _store(value: Any) -> Any:
    """Conversation state is JSON: dates travel as {"date": "2022-05-01"}."""
    return {"date": value.isoformat()} if isinstance(value, date) else value


def _facts(values: dict[str, Any]) -> dict[str, Any]:
    return {k: date.fromisoformat(v["date"]) if isinstance(v, dict) and "date" in v else v
            for k, v in values.items()}
