"""订阅 / 我的订阅 / 退订: which event reminders a resident gets (topics come from faq/events.yaml)."""
from __future__ import annotations

from bot.conversation import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.services import subscriptions


def _subscribed(ctx: Context) -> set[str]:
    return subscriptions.topics_of(ctx.session, ctx.user)


def subscribe(ctx: Context, text: str) -> Reply:
    topic = ctx.calendar.topic(text)
    if topic is None:
        return my_subscriptions(ctx, text)
    if not subscriptions.subscribe(ctx.session, ctx.user, topic, ctx.now):
        return Reply.say(texts.ALREADY_SUBSCRIBED.format(name=topic.name))
    return Reply.say(texts.SUBSCRIBED.format(name=topic.name, topic=topic.id))


def my_subscriptions(ctx: Context, _text: str = "") -> Reply:
    """What the resident has, and numbered choices to add or drop each topic."""
    mine = _subscribed(ctx)
    have = [t for t in ctx.calendar.topics if t.id in mine]
    lines = [texts.MY_SUBSCRIPTIONS.format(names="、".join(t.name for t in have)) if have else texts.NO_SUBSCRIPTIONS]
    options = [(f"订阅{t.name}", f"订阅{t.id}") for t in ctx.calendar.topics if t.id not in mine]
    options += [(f"退订{t.name}", f"退订{t.id}") for t in have]
    if options:
        lines.append(ctx.offer(options))
    return Reply.say("\n".join(lines))


def unsubscribe(ctx: Context, text: str) -> Reply:
    topic = ctx.calendar.topic(text)
    mine = _subscribed(ctx)
    if topic is None:
        have = [t for t in ctx.calendar.topics if t.id in mine]
        if not have:
            return Reply.say(texts.NO_SUBSCRIPTIONS)
        return Reply.say(texts.CHOOSE_UNSUBSCRIBE + "\n" + ctx.offer([(f"退订{t.name}", f"退订{t.id}") for t in have]))
    if not subscriptions.unsubscribe(ctx.session, ctx.calendar, ctx.user, topic):
        return Reply.say(texts.NOT_SUBSCRIBED.format(name=topic.name))
    return Reply.say(texts.UNSUBSCRIBED.format(name=topic.name))

