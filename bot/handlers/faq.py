"""Answers from the FAQ; a close call asks which one, a miss hands over to a person."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply, join, offer
from bot.services.gaps import count_gap


def answer(ctx: Context, text: str) -> Reply | None:
    match = ctx.knowledge.match(text)
    if match.outcome == "answer":
        return Reply.say(match.candidates[0].answer, f"faq:{match.candidates[0].id}")
    if match.outcome == "clarify":
        count_gap(ctx.session, match.normalized, text, "clarify", ctx.now, after_form=bool(ctx.notices))
        options = [(entry.questions[0], entry.id) for entry in match.candidates]
        return Reply.offering(join(texts.CLARIFY, offer(options, key="faq"), texts.CLARIFY_FOOTER), "clarify")
    return None


def answer_entry(ctx: Context, entry_id: str) -> Reply:
    entry = ctx.knowledge.entries.get(entry_id)
    return Reply.say(entry.answer, f"faq:{entry_id}") if entry else Reply.say(texts.NOT_FOUND, "unknown")


def fallback(ctx: Context, text: str) -> Reply:
    count_gap(ctx.session, ctx.knowledge.normalize(text) or text, text, "unknown", ctx.now,
              after_form=bool(ctx.notices))  # a notice: a form closed just now, this answers it
    return Reply.say(texts.NOT_FOUND, "unknown")

