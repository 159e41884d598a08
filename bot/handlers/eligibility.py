"""“我家娃儿能上幼儿园不”: ask only the facts still missing, then the verdict, reason and next step."""
from __future__ import annotations

from datetime import date
from typing import Any

from bot.content import texts
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.message import Offer, Reply, join, offer
from bot.conversation.routes import Router
from bot.conversation.words import BACK, HELP, looks_like_question, said
from bot.handlers import faq, kindergarten
from bot.knowledge import Question, Verdict
from bot.services.gaps import count_gap

router = Router("eligibility")
CHECK = "eligibility"
NOT_UNDERSTOOD = "没听明白。"


@router.intent("eligibility_menu")
def choose(ctx: Context, text: str = "") -> Reply:
    """能不能办: the checks on offer, as numbered choices."""
    options = [(ctx.rules.titles[rule_id], rule_id) for rule_id in ctx.rules.ids]
    return Reply.offering(join(texts.ELIGIBILITY_CHOOSE, offer(options, key="eligibility")))


def start(ctx: Context, text: str) -> Reply | None:
    """An eligibility question; None when the text is not one (the FAQ then answers it)."""
    normalized = ctx.knowledge.normalize(faq.in_context(ctx, text))  # 那我妈能去吗, after a day-care answer
    rule_id = ctx.rules.detect(normalized)
    if rule_id is None or ctx.knowledge.match(text).outcome == "unregistered":
        return None  # 照料中心能理发吗 asks what happens there, which the data lacks: not who may go
    return check(ctx, rule_id, ctx.rules.extract(rule_id, normalized, ctx.local_now.date()))


def check(ctx: Context, rule_id: str, facts: dict[str, Any] | None = None) -> Reply:
    """The verdict at once when the facts suffice; otherwise ask only what is missing."""
    rules = ctx.rules
    step = rules.next_step(rule_id, facts or {}, ctx.local_now.date())
    if isinstance(step, Verdict):
        return _verdict(ctx, rule_id, facts or {}, step)
    dialog.begin(ctx, {"rule": rule_id, "facts": {k: _store(v) for k, v in (facts or {}).items()},
                       "asked": [], "fails": 0})
    # The rule in one sentence first; the questions then check this resident's own case.
    summary = rules.summaries.get(rule_id)
    if summary:
        intro = f"{summary}\n{texts.ELIGIBILITY_CHECK_OFFER}"
    else:
        intro = texts.ELIGIBILITY_CHECK.format(title=rules.titles.get(rule_id, ""))
    return Reply.say(f"{intro}\n{_ask(ctx, step)}", f"eligibility:{rule_id}")


class Check:
    """The check as one state machine: the step is the fact asked; each answer moves to the next question
    or to the verdict, as the rules in faq/eligibility.yaml decide."""

    name = CHECK

    def handle(self, ctx: Context, step: str, text: str) -> Reply:
        data = ctx.conversation.data
        if said(text, HELP):
            return Reply.offering(self.question(ctx, step))
        if said(text, BACK):
            return Reply.say(_back(ctx, step))
        today = ctx.local_now.date()
        value = ctx.rules.parse_answer(data["rule"], step, text, today)
        stated = {name: found for name, found in
                  ctx.rules.extract(data["rule"], ctx.knowledge.normalize(text), today).items()
                  if name != step and name not in data["facts"]}
        if value is None and not stated:
            return _not_understood(ctx, step, text)
        if value is not None:
            data["facts"][step] = _store(value)
        data["facts"].update({name: _store(found) for name, found in stated.items()})  # said out of turn
        data["fails"] = 0
        following = _next_step(ctx)
        if isinstance(following, Verdict):
            dialog.close(ctx)
            return _verdict(ctx, data["rule"], _facts(data["facts"]), following)
        return Reply.say(_ask(ctx, following), f"eligibility:{data['rule']}")

    def question(self, ctx: Context, step: str) -> Offer:
        return Offer(_prompt(ctx, step))

    def takes(self, ctx: Context, step: str, text: str) -> bool:
        rule_id = ctx.conversation.data["rule"]
        return ctx.rules.parse_answer(rule_id, step, text, ctx.local_now.date()) is not None


router.form(Check())


def _verdict(ctx: Context, rule_id: str, facts: dict[str, Any], verdict: Verdict) -> Reply:
    """The verdict, with what can be done next in one digit (幼儿园: 预登记)."""
    follow_up = kindergarten.offer_after_verdict(ctx, rule_id, facts, verdict)
    if follow_up is not None:
        return Reply.offering(follow_up, f"eligibility:{rule_id}")
    return Reply.say(verdict.text, f"eligibility:{rule_id}")


def _next_step(ctx: Context) -> Question | Verdict:
    data = ctx.conversation.data
    return ctx.rules.next_step(data["rule"], _facts(data["facts"]), ctx.local_now.date())


def _ask(ctx: Context, question: Question) -> str:
    """Move to `question` and return its words."""
    asked = ctx.conversation.data["asked"]
    if question.fact not in asked:
        asked.append(question.fact)
    dialog.enter(ctx, CHECK, question.fact)
    return question.prompt


def _prompt(ctx: Context, fact: str) -> str:
    step = _next_step(ctx)
    return step.prompt if isinstance(step, Question) and step.fact == fact else ""


def _back(ctx: Context, current: str) -> str:
    """上一步: the previous question again, its answer forgotten."""
    data = ctx.conversation.data
    asked: list[str] = data["asked"]
    if asked and asked[-1] == current:
        asked.pop()
    if not asked:
        return f"已经是第一步了。\n{_prompt(ctx, current)}"
    previous = asked[-1]
    data["facts"].pop(previous, None)
    data["fails"] = 0
    dialog.enter(ctx, CHECK, previous)
    return _prompt(ctx, previous)


def _not_understood(ctx: Context, step: str, text: str) -> Reply:
    """No verdict from a reply that does not answer: another check asked about starts that check; a
    question gets the FAQ's answer and the same question again; anything else is asked again."""
    if looks_like_question(text):
        normalized = ctx.knowledge.normalize(text)
        rule_id = ctx.rules.detect(normalized)
        if rule_id is not None and rule_id != ctx.conversation.data["rule"]:
            return check(ctx, rule_id, ctx.rules.extract(rule_id, normalized, ctx.local_now.date()))
        match = ctx.knowledge.match(faq.in_context(ctx, text))
        if match.outcome == "answer":
            return Reply.offering(join(faq.entry_answer(ctx, match.candidates[0]), "——", Offer(_prompt(ctx, step))))
        # A fact the data lacks (过夜, 洗澡): an honest don't-know, kept for staff, and the check goes on.
        count_gap(ctx.session, match.normalized, text, "unknown", ctx.now)
        return Reply.offering(join(texts.ELIGIBILITY_CANNOT_ANSWER, Offer(_prompt(ctx, step))))
    return Reply.offering(dialog.not_understood(ctx, NOT_UNDERSTOOD, Offer(_prompt(ctx, step))))


def _store(value: Any) -> Any:
    """Conversation state is JSON: dates travel as {"date": "2022-05-01"}."""
    return {"date": value.isoformat()} if isinstance(value, date) else value


def _facts(values: dict[str, Any]) -> dict[str, Any]:
    return {k: date.fromisoformat(v["date"]) if isinstance(v, dict) and "date" in v else v
            for k, v in values.items()}
