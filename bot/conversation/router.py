"""Decides which handler gets a message. The priority is the one list in `route_text`."""
from __future__ import annotations

from collections.abc import Callable

from bot.conversation import dialog, texts
from bot.conversation.context import Context
from bot.conversation.message import Message, Reply
from bot.conversation.words import (
    ACKNOWLEDGE,
    BACK,
    CANCEL,
    GREETING,
    HANDOFF,
    MENU,
    MORE,
    THANKS,
    choice_number,
    command_word,
    said,
)
from bot.handlers import (
    booking,
    classes,
    eligibility,
    faq,
    handoff,
    menu,
    privacy,
    report,
    staff,
    subscription,
    welcome,
)
from bot.models import Attachment

TextHandler = Callable[[Context, str], Reply | None]  # None: not for this sender, go on to the FAQ

# Intent name → handler; the words that trigger each intent live in faq/intents.yaml.
INTENTS: dict[str, TextHandler] = {
    "ask": menu.ask_anything,
    "eligibility_menu": eligibility.choose,
    "forget_me": privacy.forget_me,
    "booking": booking.start,
    "my_bookings": booking.my_bookings,
    "booking_cancel": booking.cancel,
    "booking_move": booking.move,
    "report": report.start,
    "my_reports": report.my_reports,
    "rate_ticket": report.rate,
    "enroll": classes.start,
    "my_classes": classes.my_classes,
    "class_cancel": classes.cancel,
    "announce": staff.start_announcement,
    "announcement_report": staff.announcement_report,
    "rain": staff.rain,
    "subscribe": subscription.subscribe,
    "my_subscriptions": subscription.my_subscriptions,
    "unsubscribe": subscription.unsubscribe,
}
# The form an intent starts: saying it again inside that form is an answer, not a new start.
FORM_OF_INTENT = {"booking": "booking", "booking_cancel": "booking_cancel", "booking_move": "booking_move",
                  "report": "report", "enroll": "enroll", "class_cancel": "withdraw", "announce": "announce"}
# Lookups that may be asked in the middle of a form without leaving it.
LOOKUPS = {"my_bookings", "my_reports", "my_classes", "my_subscriptions", "announcement_report"}


def dispatch(ctx: Context, message: Message) -> Reply:
    if message.kind == "event":
        return _event(ctx, message)
    if message.kind == "voice" and not message.text.strip():
        return Reply.say(texts.VOICE_UNCLEAR)
    if message.kind in ("text", "voice"):
        if not message.text.strip():
            return menu.show_menu(ctx)
        return route_text(ctx, message.text.strip())
    if message.kind in ("image", "location"):
        return _attachment(ctx, message)
    return Reply.say(texts.MEDIA_UNSUPPORTED)


def route_text(ctx: Context, text: str, from_menu: bool = False) -> Reply:
    """Global words → the open form → intents → FAQ → fallback; the first that answers wins."""
    choices, ctx.conversation.choices = ctx.conversation.choices or [], []
    if dialog.expire_if_stale(ctx):
        choices = []  # they belonged to the conversation that just closed
    word = command_word(text)
    index = choice_number(text)
    if index is not None and choices and not from_menu:
        if not 1 <= index <= len(choices):
            ctx.conversation.choices = choices
            return Reply.say(texts.CHOICE_OUT_OF_RANGE)
        choice = choices[index - 1]
        if "faq" in choice:
            return faq.answer_entry(ctx, choice["faq"])
        if "eligibility" in choice:
            return eligibility.check(ctx, choice["eligibility"])
        text = word = choice["say"]
    if said(word, CANCEL):
        if dialog.active_form(ctx) is None:
            return Reply.say(texts.NOTHING_TO_CANCEL)
        dialog.close(ctx)
        return Reply.say(texts.FORM_CANCELLED)
    if said(word, HANDOFF):
        reply = handoff.handoff(ctx, text)  # before closing the form: staff see what it was about
        dialog.close(ctx)
        return reply
    if said(word, MORE):
        return _more(ctx)
    if said(word, MENU) and not (word == "帮助" and dialog.active_form(ctx)):
        if dialog.active_form(ctx):
            dialog.close(ctx)
            ctx.notices.append(texts.FORM_MENU_LEFT)
        return menu.show_menu(ctx)
    if from_menu and dialog.active_form(ctx):
        dialog.close(ctx)
        ctx.notices.append(texts.FORM_MENU_LEFT)
    ctx.conversation.data["last_text"] = text
    if dialog.active_form(ctx):
        aside = _aside(ctx, text)
        if aside is not None:
            return aside
    for route in (dialog.handle, _small_talk, _intent, eligibility.start, faq.answer):
        reply = route(ctx, text)
        if reply is not None:
            return reply
    return faq.fallback(ctx, text)


def _aside(ctx: Context, text: str) -> Reply | None:
    """In a form, 我的预约-style lookups are answered and the form goes on; another action
    (取消报名, 订阅…, 删除我的信息) ends the form and is done, as a menu tap would."""
    if dialog.takes_as_answer(ctx, text):
        return None
    name = ctx.catalog.intent_for(text, ctx.knowledge.normalize(text))
    if name in LOOKUPS:
        looked_up = INTENTS[name](ctx, text)
        if looked_up is not None:
            return Reply.say(f"{looked_up.text}\n——\n{dialog.current_question(ctx)}")
        return None
    form = dialog.active_form(ctx)[0].name
    if name not in INTENTS or name in ("ask", "rate_ticket") or FORM_OF_INTENT.get(name) == form:
        return None
    dialog.close(ctx)
    ctx.notices.append(texts.FORM_MENU_LEFT)
    return INTENTS[name](ctx, text)


def _small_talk(ctx: Context, text: str) -> Reply | None:
    """Greetings, thanks, an "ok" or a stray number are not questions: no fallback, no FAQ gap."""
    if said(text, GREETING) or said(text, BACK):
        return menu.show_menu(ctx)
    if said(text, THANKS):
        return Reply.say(texts.YOU_ARE_WELCOME)
    if said(text, ACKNOWLEDGE):
        return Reply.say(texts.ANYTHING_ELSE)
    if choice_number(text) is not None:
        return Reply.say(texts.NO_CHOICES)
    return None


def _intent(ctx: Context, text: str) -> Reply | None:
    name = ctx.catalog.intent_for(text, ctx.knowledge.normalize(text))
    return INTENTS[name](ctx, text) if name in INTENTS else None


def _more(ctx: Context) -> Reply:
    rest = ctx.conversation.more
    ctx.conversation.more = None
    return Reply.say(rest) if rest else Reply.say(texts.NO_MORE)


def _event(ctx: Context, message: Message) -> Reply:
    event = message.event
    if event in ("subscribe", "subscribe_scan"):
        greeting = welcome.subscribed(ctx, message.key)
        say = ctx.catalog.scenes.get(message.key)
        if not say:
            return Reply.say(greeting)
        follow_up = route_text(ctx, say, from_menu=True)
        if follow_up.kind != "text":
            return follow_up
        return Reply.say(f"{texts.WELCOME}\n{follow_up.text}", follow_up.source)
    if event == "unsubscribe":
        return welcome.unsubscribed(ctx)
    if event == "scan":
        return route_text(ctx, ctx.catalog.scenes.get(message.key) or "菜单", from_menu=True)
    if event == "click":
        # A key the menu no longer has (WeChat caches menus) acts as 菜单.
        return route_text(ctx, ctx.catalog.click(message.key) or "菜单", from_menu=True)
    # LOCATION reports, VIEW (a link opened), and send-job receipts expect no answer.
    return Reply.nothing()


def _attachment(ctx: Context, message: Message) -> Reply:
    """Kept for the open form (a problem report wants them); otherwise a polite note."""
    if message.kind == "image":
        value = {"media_id": message.media_id, "url": message.pic_url}
        ctx.session.add(Attachment(user_id=ctx.user.id, kind="image", media_id=message.media_id,
                                   url=message.pic_url, created_at=ctx.now))
    else:
        value = {"latitude": message.latitude, "longitude": message.longitude, "label": message.label}
        ctx.session.add(Attachment(user_id=ctx.user.id, kind="location", latitude=message.latitude,
                                   longitude=message.longitude, label=message.label, created_at=ctx.now))
    dialog.expire_if_stale(ctx)
    reply = dialog.handle_attachment(ctx, message.kind, value)
    if reply is not None:
        return reply
    return Reply.say(texts.IMAGE_KEPT if message.kind == "image" else texts.LOCATION_KEPT)
