"""Answers from the FAQ; a close call asks which one, a miss hands over to a person."""
from datetime import datetime, timedelta

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply, join, offer
from bot.conversation.words import TOPICS, command_word
from bot.handlers import kindergarten
from bot.knowledge import Match
from bot.knowledge.model import Entry
from bot.services.gaps import count_gap
from bot.services.kindergarten import PLACES_ENTRY

TOPIC_MINUTES = 10  # how long a place or service just asked about still frames short follow-ups
FOLLOW_UP_LONGEST = 8  # 一个月多少钱, 晚上最晚几点接: longer messages say what they are about themselves


def named_topic(ctx: Context, text: str) -> str | None:
    """The place or service a message names first (日间照料中心 for 照料中心几点关门), if any."""
    normalized = ctx.knowledge.normalize(text)
    found = sorted((normalized.find(topic), topic) for topic in TOPICS if topic in normalized)
    return found[0][1] if found else None


def remember_topic(ctx: Context, text: str) -> None:
    """A message naming a place or service makes it the topic of the talk for the next TOPIC_MINUTES."""
    if (topic := named_topic(ctx, text)) is not None:
        ctx.conversation.data["topic"] = {"name": topic, "at": ctx.now.isoformat()}


def current_topic(ctx: Context) -> str | None:
    kept = ctx.conversation.data.get("topic")
    if not kept or ctx.now - datetime.fromisoformat(kept["at"]) > timedelta(minutes=TOPIC_MINUTES):
        return None
    return kept["name"]


def in_context(ctx: Context, text: str) -> str:
    """晚上最晚几点接, just after a day-care answer, is read as 日间照料中心晚上最晚几点接: a follow-up that
    names no place of its own is about the topic still fresh."""
    topic = current_topic(ctx)
    short = len(command_word(text)) <= FOLLOW_UP_LONGEST
    return f"{topic}{text}" if topic and short and named_topic(ctx, text) is None else text


def _match(ctx: Context, text: str) -> Match:
    """The follow-up read in context when that gives an answer; otherwise the words on their own."""
    framed = in_context(ctx, text)
    if framed != text and (match := ctx.knowledge.match(framed)).outcome == "answer":
        return match
    return ctx.knowledge.match(text)


def answer(ctx: Context, text: str) -> Reply | None:
    match = _match(ctx, text)
    if match.outcome == "answer":
        return Reply.say(_answer_text(ctx, match), "faq:" + "+".join(entry.id for entry in match.candidates))
    if match.outcome == "unregistered":
        count_gap(ctx.session, match.normalized, text, "unregistered", ctx.now)
        return Reply.say(texts.NOT_REGISTERED, "unknown")
    if match.outcome == "clarify":
        count_gap(ctx.session, match.normalized, text, "clarify", ctx.now, after_form=bool(ctx.notices))
        options = [(entry.questions[0], entry.id) for entry in match.candidates]
        return Reply.offering(join(texts.CLARIFY, offer(options, key="faq"), texts.CLARIFY_FOOTER), "clarify")
    return None


def entry_answer(ctx: Context, entry: Entry) -> str:
    """An entry's answer; the kindergarten's places left are the number staff keep, not words in faq/."""
    return kindergarten.places_answer(ctx) if entry.id == PLACES_ENTRY else entry.answer


def _answer_text(ctx: Context, match: Match) -> str:
    """One answer as it is; a question in two parts gets each answer under its own heading, and
    a part nobody has answered is named as one for a person."""
    if len(match.candidates) == 1:
        body = entry_answer(ctx, match.candidates[0])
    else:
        body = "\n\n".join(texts.PART_ANSWER.format(question=entry.questions[0], answer=entry_answer(ctx, entry))
                           for entry in match.candidates)
    if match.unanswered:
        body = "\n\n".join((texts.PART_ANSWER.format(question=match.candidates[0].questions[0], answer=body),
                             texts.PART_NEEDS_PERSON.format(part=match.unanswered)))
    return body


def answer_entry(ctx: Context, entry_id: str) -> Reply:
    entry = ctx.knowledge.entries.get(entry_id)
    return Reply.say(entry_answer(ctx, entry), f"faq:{entry_id}") if entry else Reply.say(texts.NOT_FOUND, "unknown")


def fallback(ctx: Context, text: str) -> Reply:
    count_gap(ctx.session, ctx.knowledge.normalize(text) or text, text, "unknown", ctx.now,
              after_form=bool(ctx.notices))  # a notice: a form closed just now, this answers it
    return Reply.say(texts.NOT_FOUND, "unknown")

