"""Answers from the FAQ; a close call asks which one, a miss hands over to a person."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply, join, offer
from bot.knowledge import Match
from bot.services.gaps import count_gap


def answer(ctx: Context, text: str) -> Reply | None:
    match = ctx.knowledge.match(text)
    if match.outcome == "answer":
        return Reply.say(_answer_text(match), "faq:" + "+".join(entry.id for entry in match.candidates))
    if match.outcome == "unregistered":
        count_gap(ctx.session, match.normalized, text, "unregistered", ctx.now)
        return Reply.say(texts.NOT_REGISTERED, "unknown")
    if match.outcome == "clarify":
        count_gap(ctx.session, match.normalized, text, "clarify", ctx.now)
        options = [(entry.questions[0], entry.id) for entry in match.candidates]
        return Reply.offering(join(texts.CLARIFY, offer(options, key="faq"), texts.CLARIFY_FOOTER), "clarify")
    return None


def _answer_text(match: Match) -> str:
    """One answer as it is; a question in two parts gets each answer under its own heading, and
    a part nobody has answered is named as one for a person."""
    if len(match.candidates) == 1:
        body = match.candidates[0].answer
    else:
        body = "\n\n".join(texts.PART_ANSWER.format(question=entry.questions[0], answer=entry.answer)
                           for entry in match.candidates)
    if match.unanswered:
        body = "\n\n".join((texts.PART_ANSWER.format(question=match.candidates[0].questions[0], answer=body),
                             texts.PART_NEEDS_PERSON.format(part=match.unanswered)))
    return body


def answer_entry(ctx: Context, entry_id: str) -> Reply:
    entry = ctx.knowledge.entries.get(entry_id)
    return Reply.say(entry.answer, f"faq:{entry_id}") if entry else Reply.say(texts.NOT_FOUND, "unknown")


def fallback(ctx: Context, text: str) -> Reply:
    count_gap(ctx.session, ctx.knowledge.normalize(text) or text, text, "unknown", ctx.now)
    return Reply.say(texts.NOT_FOUND, "unknown")

