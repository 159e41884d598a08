"""订阅 / 我的订阅 / 退订: which event reminders a resident gets (topics come from faq/events.yaml)."""
from __future__ import annotations

from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply, join, offer
from bot.conversation.routes import Router
from bot.services import subscriptions

router = Router("subscription")


def _subscribed(ctx: Context) -> set[str]:
    return subscriptions.topics_of(ctx.session, ctx.user)


@router.intent("subscribe")
def subscribe(ctx: Context, text: str) -> Reply:
    topic = ctx.calendar.topic(text)
    if topic is None:
        return my_subscriptions(ctx, text)
    promise = _promise(ctx)
    if not subscriptions.subscribe(ctx.session, ctx.user, topic, ctx.now):
        return Reply.say(texts.ALREADY_SUBSCRIBED.format(name=topic.name, promise=promise))
    return Reply.say(texts.SUBSCRIBED.format(name=topic.name, topic=topic.id, promise=promise))


def _promise(ctx: Context) -> str:
    """Without a template message, only a resident who wrote in the last 48 hours can be reached."""
    return texts.REMINDER_PROMISE if ctx.settings.WECHAT_TEMPLATE_ID else texts.REMINDER_PROMISE_RECENT_ONLY


@router.intent("my_subscriptions", lookup=True)
def my_subscriptions(ctx: Context, _text: str = "") -> Reply:
    """What the resident has, and numbered choices to add or drop each topic."""
    mine = _subscribed(ctx)
    have = [t for t in ctx.calendar.topics if t.id in mine]
    status = texts.MY_SUBSCRIPTIONS.format(names="、".join(t.name for t in have)) if have else texts.NO_SUBSCRIPTIONS
    options = [(f"订阅{t.name}", f"订阅{t.id}") for t in ctx.calendar.topics if t.id not in mine]
    options += [(f"退订{t.name}", f"退订{t.id}") for t in have]
    return Reply.offering(join(status, offer(options)))


@router.intent("unsubscribe")
def unsubscribe(ctx: Context, text: str) -> Reply:
    topic = ctx.calendar.topic(text)
    mine = _subscribed(ctx)
    if topic is None:
        have = [t for t in ctx.calendar.topics if t.id in mine]
        if not have:
            return Reply.say(texts.NO_SUBSCRIPTIONS)
        return Reply.offering(join(texts.CHOOSE_UNSUBSCRIBE, offer([(f"退订{t.name}", f"退订{t.id}") for t in have])))
    if not subscriptions.unsubscribe(ctx.session, ctx.calendar, ctx.user, topic):
        return Reply.say(texts.NOT_SUBSCRIBED.format(name=topic.name))
    return Reply.say(texts.UNSUBSCRIBED.format(name=topic.name))

