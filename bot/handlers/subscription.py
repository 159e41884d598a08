"""订阅 / 我的订阅 / 退订: which event reminders a resident gets (topics come from faq/events.yaml)."""
from __future__ import annotations

from sqlalchemy import select

from bot.content.calendar import Topic
from bot.conversation import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.models import Reminder, Subscription


def _subscribed(ctx: Context) -> set[str]:
    return set(ctx.session.scalars(select(Subscription.topic).where(Subscription.user_id == ctx.user.id)))


def subscribe(ctx: Context, text: str) -> Reply:
    topic = ctx.calendar.topic(text)
    if topic is None:
        return my_subscriptions(ctx, text)
    if topic.id in _subscribed(ctx):
        return Reply.say(texts.ALREADY_SUBSCRIBED.format(name=topic.name, promise=_promise(ctx)))
    ctx.session.add(Subscription(user_id=ctx.user.id, topic=topic.id, created_at=ctx.now))
    return Reply.say(texts.SUBSCRIBED.format(name=topic.name, topic=topic.id, promise=_promise(ctx)))


def _promise(ctx: Context) -> str:
    """Without a template message, only a resident who wrote in the last 48 hours can be reached."""
    return texts.REMINDER_PROMISE if ctx.settings.WECHAT_TEMPLATE_ID else texts.REMINDER_PROMISE_RECENT_ONLY


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
    if topic.id not in mine:
        return Reply.say(texts.NOT_SUBSCRIBED.format(name=topic.name))
    ctx.session.delete(ctx.session.get(Subscription, (ctx.user.id, topic.id)))
    _cancel_pending(ctx, topic)
    return Reply.say(texts.UNSUBSCRIBED.format(name=topic.name))


def _cancel_pending(ctx: Context, topic: Topic) -> None:
    """Reminders already planned for this topic's events stop too, for this resident only."""
    for event in ctx.calendar.events:
        if event.topic != topic.id:
            continue
        for reminder in ctx.session.scalars(select(Reminder).where(
                Reminder.openid == ctx.user.openid, Reminder.status == "pending",
                Reminder.key.like(f"event:{event.id}:%"))):
            reminder.status = "cancelled"
