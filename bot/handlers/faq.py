"""Answers from the FAQ; a close call asks which one, a miss hands over to a person."""
from sqlalchemy import select

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply, join, offer
from bot.models import FaqGap


def answer(ctx: Context, text: str) -> Reply | None:
    match = ctx.knowledge.match(text)
    if match.outcome == "answer":
        return Reply.say(match.candidates[0].answer, f"faq:{match.candidates[0].id}")
    if match.outcome == "clarify":
        record_gap(ctx, text, match.normalized, "clarify")
        options = [(entry.questions[0], entry.id) for entry in match.candidates]
        return Reply.offering(join(texts.CLARIFY, offer(options, key="faq"), texts.CLARIFY_FOOTER), "clarify")
    return None


def answer_entry(ctx: Context, entry_id: str) -> Reply:
    entry = ctx.knowledge.entries.get(entry_id)
    return Reply.say(entry.answer, f"faq:{entry_id}") if entry else Reply.say(texts.NOT_FOUND, "unknown")


def fallback(ctx: Context, text: str) -> Reply:
    record_gap(ctx, text, ctx.knowledge.normalize(text) or text, "unknown")
    return Reply.say(texts.NOT_FOUND, "unknown")


def record_gap(ctx: Context, text: str, normalized: str, outcome: str) -> None:
    """Counted per normalised question so `community-bot faq-gaps` shows what residents miss most."""
    key = normalized[:255]
    gap = ctx.session.scalars(select(FaqGap).where(FaqGap.normalized == key)).first()
    if gap is None:
        ctx.session.add(FaqGap(normalized=key, example=text, outcome=outcome, first_at=ctx.now, last_at=ctx.now))
    else:
        gap.count += 1
        gap.last_at = ctx.now
        gap.outcome = outcome
