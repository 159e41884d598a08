"""Decides which handler gets a message: global words → the open form → declared intents → FAQ → fallback."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.content import files, texts
from bot.content.files import ContentError
from bot.conversation import dialog
from bot.conversation.context import Context, Flow
from bot.conversation.message import Message, Offer, Reply, join
from bot.conversation.routes import Route, Router
from bot.conversation.words import (
    ACKNOWLEDGE,
    BACK,
    CANCEL,
    END_HANDOFF,
    GREETING,
    HANDOFF,
    MENU,
    MORE,
    THANKS,
    backs_out,
    choice_number,
    command_word,
    is_sticker,
    looks_like_question,
    said,
)
from bot.handlers import (
    booking,
    cases,
    classes,
    eligibility,
    faq,
    handoff,
    kindergarten,
    menu,
    privacy,
    report,
    staff,
    subscription,
    welcome,
)
from bot.models import Attachment
from bot.services import handoffs

# The feature modules, in order; a new feature declares its routes in its module and is added here.
FEATURES: tuple[Router, ...] = (
    menu.router, eligibility.router, privacy.router, booking.router, report.router, classes.router,
    staff.router, subscription.router,
    cases.router,
    kindergarten.router,
)


class Dispatcher:
    """The app's routing, built once from the features' declarations; it also holds their forms."""

    def __init__(self, features: Sequence[Router]) -> None:
        self.routes: dict[str, Route] = {}
        self.forms: dict[str, Flow] = {}
        for feature in features:
            for route in feature.routes:
                if route.intent in self.routes:
                    raise ValueError(f"{route.where}: intent '{route.intent}' is declared twice "
                                     f"(first at {self.routes[route.intent].where})")
                self.routes[route.intent] = route
            for flow in feature.forms:
                if flow.name in self.forms:
                    raise ValueError(f"{feature.name}: form '{flow.name}' is declared twice")
                self.forms[flow.name] = flow
        for route in self.routes.values():
            if route.form is not None and route.form not in self.forms:
                raise ValueError(f"{route.where}: intent '{route.intent}' names form '{route.form}', "
                                 "which no feature declares")

    def check(self, faq_dir: Path) -> None:
        """Words nobody handles, or a handler no words reach, would fail silently: refuse them at start.

        Run after the data loaded (so the file is valid YAML); composed again here for the line numbers.
        """
        document = files.read(faq_dir / "intents.yaml", faq_dir)
        shown = document.shown
        if not isinstance(document.data, dict):
            raise ContentError(f"{shown}:1: expected intent names, each with a list of words")
        for name in document.data:
            if name not in self.routes:
                raise ContentError(f"{shown}:{document.line((name,))}: no feature handles intent '{name}' "
                                   f"(declare @router.intent(\"{name}\") in bot/handlers, or remove it)")
        for route in self.routes.values():
            if route.words and route.intent not in document.data:
                raise ContentError(f"{route.where}: intent '{route.intent}' has no words in {shown} "
                                "(add them there, or declare it words=False if only the menu reaches it)")

    def dispatch(self, ctx: Context, message: Message) -> Reply:
        """The reply; numbered choices it offers are kept for the resident's next digit."""
        reply = self._dispatch(ctx, message)
        here = _where(ctx)
        if reply.choices:
            ctx.conversation.choices = list(reply.choices)
            ctx.conversation.data["choices_at"] = here
        elif ctx.conversation.data.get("choices_at") != here:
            ctx.conversation.choices = []  # they belonged to a question no longer open
        return reply

    def _dispatch(self, ctx: Context, message: Message) -> Reply:
        if message.kind == "event":
            return self._event(ctx, message)
        if message.kind == "voice" and message.media_id and ctx.conversation.form is not None:
            # a form (a problem report) may keep the recording itself, not only its recognition
            ctx.session.add(Attachment(user_id=ctx.user.id, kind="voice", media_id=message.media_id,
                                       created_at=ctx.now))
        if message.kind == "voice" and not message.text.strip():
            return Reply.say(texts.VOICE_UNCLEAR)
        if message.kind in ("text", "voice"):
            if not message.text.strip():
                return menu.show_menu(ctx)
            return self.route_text(ctx, message.text.strip())
        if message.kind in ("image", "location"):
            return _attachment(ctx, message)  # kept, and seen by staff in the log when a case is open
        if ctx.case is None and _expired(ctx) is None and dialog.active_form(ctx):
            return Reply.offering(join(texts.FORM_MEDIA_ASIDE, dialog.current_question(ctx)))
        return Reply.say(texts.MEDIA_UNSUPPORTED)

    def route_text(self, ctx: Context, text: str, from_menu: bool = False) -> Reply:
        """An open 人工 case → global words → the open form → intents → FAQ → fallback; the first that
        answers wins."""
        if ctx.case is not None:
            to_staff = _to_staff(ctx, text, from_menu)
            if to_staff is not None:
                return to_staff
        choices = ctx.conversation.choices or []  # valid while they are the latest list on screen
        expired = _expired(ctx)
        if expired is not None:
            choices = ctx.conversation.choices = []  # they belonged to the conversation that just closed
        word = command_word(text)
        index = choice_number(text)
        if index is not None and choices and not from_menu:
            if not 1 <= index <= len(choices):
                return Reply.say(texts.CHOICE_OUT_OF_RANGE, choices=choices)
            choice = choices[index - 1]
            if "faq" in choice:
                return faq.answer_entry(ctx, choice["faq"])
            if "eligibility" in choice:
                return eligibility.check(ctx, choice["eligibility"])
            text = word = choice["say"]
        in_form = dialog.active_form(ctx) is not None
        if said(word, CANCEL) or (in_form and backs_out(text) and not dialog.at_free_text(ctx)):
            return Reply.say(dialog.leave(ctx) if in_form else texts.NOTHING_TO_CANCEL)
        if in_form and is_sticker(text):
            return Reply.offering(join(texts.FORM_MEDIA_ASIDE, dialog.current_question(ctx)))
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
        if expired is not None and not looks_like_question(text) and self._route(ctx, text) is None:
            # A name, a phone, a time meant for the form that just closed: no FAQ search, no gap.
            ctx.notices.remove(texts.FORM_EXPIRED)
            return Reply.say(texts.FORM_EXPIRED_LATE.format(again=expired or texts.FORM_EXPIRED_AGAIN))
        ctx.conversation.data["last_text"] = text
        if dialog.active_form(ctx):
            aside = self._aside(ctx, text)
            if aside is not None:
                return aside
        faq.remember_topic(ctx, text)
        for route in (dialog.handle, _small_talk, self._intent, eligibility.start, faq.answer):
            reply = route(ctx, text)
            if reply is not None:
                return reply
        return faq.fallback(ctx, text)

    def _route(self, ctx: Context, text: str) -> Route | None:
        """The declared route the words name, if this sender may use it (staff-only ones are not there
        for residents: their words go on to the FAQ)."""
        route = self.routes.get(ctx.catalog.intent_for(text, ctx.knowledge.normalize(text)) or "")
        if route is None or (route.staff and ctx.staff_member() is None):
            return None
        return route

    def _aside(self, ctx: Context, text: str) -> Reply | None:
        """In a form, 我的预约-style lookups are answered and the form goes on; another action
        (取消报名, 订阅…, 删除我的信息) ends the form and is done, as a menu tap would."""
        if dialog.takes_as_answer(ctx, text):
            return None
        route = self._route(ctx, text)
        if route is None:
            return None
        if route.lookup:
            looked_up = route.handler(ctx, text)
            if looked_up is None:
                return None
            return Reply.offering(join(Offer(looked_up.text, looked_up.choices), "——",
                                       dialog.current_question(ctx)))
        if not route.interrupts or route.form == dialog.active_form(ctx)[0].name:
            return None
        dialog.close(ctx)
        ctx.notices.append(texts.FORM_MENU_LEFT)
        return route.handler(ctx, text)

    def _intent(self, ctx: Context, text: str) -> Reply | None:
        route = self._route(ctx, text)
        return route.handler(ctx, text) if route else None

    def _event(self, ctx: Context, message: Message) -> Reply:
        event = message.event
        if event in ("subscribe", "subscribe_scan"):
            greeting = welcome.subscribed(ctx, message.key)
            say = ctx.catalog.scenes.get(message.key)
            if not say:
                return Reply.offering(greeting)
            follow_up = self.route_text(ctx, say, from_menu=True)
            if follow_up.kind != "text":
                return follow_up
            return Reply.say(f"{texts.WELCOME}\n{follow_up.text}", follow_up.source, follow_up.choices)
        if event == "unsubscribe":
            return welcome.unsubscribed(ctx)
        if event == "scan":
            return self.route_text(ctx, ctx.catalog.scenes.get(message.key) or "菜单", from_menu=True)
        if event == "click":
            # A key the menu no longer has (WeChat caches menus) acts as 菜单.
            return self.route_text(ctx, ctx.catalog.click(message.key) or "菜单", from_menu=True)
        # LOCATION reports, VIEW (a link opened), and send-job receipts expect no answer.
        return Reply.nothing()


def _expired(ctx: Context) -> str | None:
    """Close a form gone quiet for too long, telling the resident; what opened it, or None."""
    expired = dialog.expire_if_stale(ctx)
    if expired is not None:
        ctx.notices.append(texts.FORM_EXPIRED)
    return expired


def _where(ctx: Context) -> list[str] | None:
    """The open form and step (as stored in JSON), or None: where a list of choices was offered."""
    found = dialog.active_form(ctx)
    return [found[0].name, found[1]] if found else None


def _to_staff(ctx: Context, text: str, from_menu: bool) -> Reply | None:
    """While a case is open the resident talks to staff: the assistant stays silent (the log carries the
    words to the inbox) until they end it or tap the menu."""
    case, word = ctx.case, command_word(text)
    if from_menu:
        handoffs.close(ctx.session, case, ctx.now, texts.CASE_CLOSED_BY_RESIDENT)
        ctx.case = None
        ctx.notices.append(texts.HANDOFF_ENDED_BY_MENU)
        return None
    if said(word, END_HANDOFF):
        handoffs.close(ctx.session, case, ctx.now, texts.CASE_CLOSED_BY_RESIDENT)
        ctx.case = None
        return Reply.say(texts.HANDOFF_ENDED_BY_RESIDENT, "handoff")
    if said(word, HANDOFF):
        return Reply.say(texts.HANDOFF_CASE_WAITING, "handoff")
    return Reply.nothing()


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


def _more(ctx: Context) -> Reply:
    rest = ctx.conversation.more
    ctx.conversation.more = None
    return Reply.say(rest) if rest else Reply.say(texts.NO_MORE)


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
    if ctx.case is not None:
        return Reply.nothing()  # staff see it in the conversation; the assistant stays out of the way
    _expired(ctx)
    reply = dialog.handle_attachment(ctx, message.kind, value)
    if reply is not None:
        return reply
    return Reply.say(texts.IMAGE_KEPT if message.kind == "image" else texts.LOCATION_KEPT)
