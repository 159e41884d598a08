"""代办预约: an item, its documents, a half-day slot with places left, then name and phone."""
from __future__ import annotations

import re
from datetime import date

from bot.content import texts
from bot.content.services import ServiceItem
from bot.conversation import dialog
from bot.conversation.context import Context
from bot.conversation.dialog import Form, Incomplete, Invalid, Slot, Undo, Values
from bot.conversation.message import Reply
from bot.conversation.routes import Router
from bot.conversation.words import looks_like_question
from bot.handlers.common import named, pick_slot, start_pick
from bot.handlers.contact import (
    CONTACT_SLOTS,
    for_whom,
    named_participant,
    participant,
    participant_slot,
    remember_contact,
)
from bot.knowledge.chinese import day_label, parse_day, parse_period
from bot.models import Booking
from bot.services import bookings
from bot.services.errors import SlotTaken

router = Router("booking")
CHOICES_SHOWN = 6  # more numbered lines than this is too much to read; other days can be typed
PENDING_DAY = "_day"  # a day named without 上午/下午, kept until the half-day comes
NUMBER = re.compile(r"DB\d{8}-\d{3}", re.IGNORECASE)
_GENERIC = re.compile(r"我|帮我|想|要|去|代办|预约|办理|办|一下|一个|个|事情?|业务|服务|[\s，。！!,.]")


def _split(slot: str) -> tuple[date, str]:
    day, period = slot.split()
    return date.fromisoformat(day), period


def show_slot(slot: str) -> str:
    return day_label(*_split(slot))


def _free_places(ctx: Context) -> dict[tuple[date, str], int]:
    return bookings.free_places(ctx.session, ctx.services.booking, ctx.local_now.date())


def _slot_choices(ctx: Context, values: Values) -> list[tuple[str, str]]:
    free = list(_free_places(ctx).items())[:CHOICES_SHOWN]
    return [(f"{day_label(d, p)}（剩{left}个）", day_label(d, p)) for (d, p), left in free]


def _parse_slot(ctx: Context, text: str, values: Values) -> str:
    rules = bookings.rules_in_force(ctx.session, ctx.services.booking)  # with the days staff closed
    today = ctx.local_now.date()
    day, period = parse_day(text, today), parse_period(text)
    if day is None and period and PENDING_DAY in values:
        day = date.fromisoformat(values[PENDING_DAY])
    if day is None:
        raise Invalid(texts.BOOKING_TIME_UNCLEAR)
    open_days = rules.open_days(today)
    if day not in open_days:
        if day <= today:
            raise Invalid(texts.BOOKING_TOO_SOON.format(first=day_label(open_days[0])))
        if not rules.is_open(day):
            raise Invalid(texts.BOOKING_DAY_CLOSED.format(day=day_label(day)))
        raise Invalid(texts.BOOKING_DAY_OUT_OF_RANGE.format(
            count=len(open_days), first=day_label(open_days[0]), last=day_label(open_days[-1])))
    if period is None:
        raise Incomplete(texts.BOOKING_ASK_PERIOD.format(day=day_label(day)), keep={PENDING_DAY: day.isoformat()})
    if (day, period) not in _free_places(ctx):
        raise Invalid(texts.BOOKING_SLOT_FULL.format(slot=day_label(day, period)))
    return f"{day.isoformat()} {period}"


def _item(ctx: Context, values: Values) -> ServiceItem:
    return ctx.services.item(values["item"])


def _documents(item: ServiceItem) -> str:
    return texts.BOOKING_DOCUMENTS.format(item=item.name, documents=item.documents_text,
                                          paperless=item.paperless, limit=item.time_limit)


def _time_prompt(ctx: Context, values: Values) -> str:
    if not _free_places(ctx):
        return texts.BOOKING_NONE_FREE.format(count=ctx.services.booking.working_days_ahead)
    ask = texts.BOOKING_ASK_TIME
    return f"{_documents(_item(ctx, values))}\n{ask}" if "item" in values else ask


def _parse_item(ctx: Context, text: str, values: Values) -> str:
    item = None if looks_like_question(text) else _find_item(ctx, text)
    if item is None:
        raise Invalid(texts.BOOKING_ITEM_UNKNOWN)
    if not _asks_for_whom(item, values):
        _not_booked_yet(ctx, values | {"item": item.name}, participant(values))
    return item.name


def _asks_for_whom(item: ServiceItem, values: Values) -> bool:
    """Whom it is for is still to be asked: the booking already made is known only then."""
    return bool(item.for_whom) and "participant" not in values


def _not_booked_yet(ctx: Context, values: Values, who: str | None) -> None:
    if (booked := _already_booked(ctx, _item(ctx, values).id, who)) is not None:
        raise Invalid(texts.BOOKING_ALREADY.format(booking=_describe(ctx, booked)))


def _already_booked(ctx: Context, service_id: str, participant: str | None) -> Booking | None:
    return bookings.already_booked(ctx.session, ctx.user.id, service_id, ctx.local_now.date(), participant)


def _find_item(ctx: Context, text: str) -> ServiceItem | None:
    """居住证 in 我想办居住证; 医保 in 我要办医保，不是居住证."""
    return named(text, ctx.services.items, lambda item: (item.name, *item.aliases))


def _named_item(ctx: Context, text: str) -> str | None:
    item = _find_item(ctx, text)
    return item.name if item else None


def _named_day(ctx: Context, text: str) -> str | None:
    """A reply naming a day (改到下周三上午) is a new time wherever the resident is in the form."""
    return text if parse_day(text, ctx.local_now.date()) is not None else None


TIME_SLOT = Slot("slot", lambda: texts.LABEL_TIME, _time_prompt, _parse_slot, choices=_slot_choices,
                 show_choices=True, show=show_slot, spot=_named_day)


def _hours(ctx: Context, period: str) -> str:
    return bookings.hours(ctx.services.booking, period)


def _submit(ctx: Context, values: Values) -> str:
    item = _item(ctx, values)
    day, period = _split(values["slot"])
    try:
        booking, reminded = bookings.book(
            ctx.session, user=ctx.user, item=item, rules=ctx.services.booking, day=day, period=period,
            name=values["name"], phone=values["phone"], now=ctx.now, tz=ctx.settings.tz,
            participant=participant(values))
    except SlotTaken:
        raise dialog.Retry("slot", texts.BOOKING_SLOT_JUST_TAKEN) from None
    except bookings.AlreadyBooked as error:
        return texts.BOOKING_ALREADY.format(booking=_describe(ctx, error.booking))
    remember_contact(ctx, values)
    return texts.BOOKING_DONE.format(
        number=booking.number, slot=day_label(booking.day, booking.period), hours=_hours(ctx, booking.period),
        place=ctx.services.booking.place, documents=item.documents_text,
        reminder=texts.BOOKING_WILL_REMIND if reminded else "")


router.form(Form(
    name="booking",
    title=lambda: texts.FORM_BOOKING,
    slots=(
        Slot("item", lambda: texts.LABEL_ITEM,
             lambda ctx, values: texts.BOOKING_ASK_ITEM, _parse_item, show_choices=True,
             choices=lambda ctx, values: [(i.name, i.name) for i in ctx.services.items], spot=_named_item),
        TIME_SLOT,
        participant_slot(lambda ctx, values: ctx.services.item(values["item"]).for_whom if "item" in values else (),
                         lambda: texts.BOOKING_ASK_FOR_WHOM, _not_booked_yet),
        *CONTACT_SLOTS,
    ),
    submit=_submit,
))


@router.intent("booking", form="booking")
def start(ctx: Context, text: str) -> Reply | None:
    """None when the errand named is not one the centre does (办身份证): the FAQ says so."""
    item = _find_item(ctx, text)
    if item is None and parse_day(text, ctx.local_now.date()) is None and _GENERIC.sub("", text):
        return None
    who = named_participant(ctx, text)  # 帮我妈约个高龄津贴
    # For an item often done for others, whom it is for is asked first: only then is a booking a repeat.
    if item is not None and not (item.for_whom and not who) and (booked := _already_booked(ctx, item.id, who)):
        return Reply.say(texts.BOOKING_ALREADY.format(booking=_describe(ctx, booked)))
    values: Values = {"item": item.name} if item else {}
    if who:
        values["participant"] = who
    intro, pending = "", {}
    if item is not None and parse_day(text, ctx.local_now.date()) is not None:  # 下周一上午办居住证
        try:
            values["slot"] = _parse_slot(ctx, text, values)
            intro = _documents(item)  # the time question that shows them is skipped
        except Incomplete as incomplete:
            pending = incomplete.keep  # 下周一 without 上午/下午: the time question takes the half-day
        except Invalid as invalid:
            intro = str(invalid)  # 明天 is a Saturday: said, then the time question
    return dialog.start(ctx, "booking", values, intro=intro, pending=pending)


# --- my bookings, change, cancel ----------------------------------------------------------


def _active(ctx: Context) -> list[Booking]:
    return bookings.active(ctx.session, ctx.user.id, ctx.local_now.date())


def _describe(ctx: Context, booking: Booking) -> str:
    item = ctx.services.item(booking.service_id)
    return (f"{booking.number} {item.name if item else booking.service_id}{for_whom(booking.participant)} "
            f"{day_label(booking.day, booking.period)}")


def _booking_options(ctx: Context) -> list[tuple[str, str]]:
    return [(_describe(ctx, b), b.number) for b in _active(ctx)]


def _submit_cancel(ctx: Context, values: Values) -> str:
    booking = bookings.own(ctx.session, ctx.user.id, values["booking"])
    bookings.release(ctx.session, booking)
    return texts.BOOKING_CANCELLED.format(number=booking.number)


def _submit_move(ctx: Context, values: Values) -> str:
    booking = bookings.own(ctx.session, ctx.user.id, values["booking"])
    day, period = _split(values["slot"])
    try:
        bookings.move(ctx.session, booking, item=ctx.services.item(booking.service_id), rules=ctx.services.booking,
                      day=day, period=period, now=ctx.now, tz=ctx.settings.tz)
    except SlotTaken:
        raise dialog.Retry("slot", texts.BOOKING_SLOT_JUST_TAKEN) from None
    return texts.BOOKING_MOVED.format(number=booking.number, slot=day_label(booking.day, booking.period),
                                      hours=_hours(ctx, booking.period))


WHICH_BOOKING = pick_slot("booking", lambda: texts.LABEL_BOOKING,
                          lambda: texts.BOOKING_ASK_WHICH, lambda: texts.BOOKING_WHICH_UNKNOWN,
                          _booking_options)
router.form(Form(name="booking_cancel", title=lambda: texts.FORM_BOOKING_CANCEL,
                 slots=(WHICH_BOOKING,), submit=_submit_cancel,
                 undo=Undo(lambda: texts.BOOKING_CANCEL_SUBMIT, lambda: texts.BOOKING_CANCEL_KEEP,
                           lambda: texts.BOOKING_CANCEL_KEPT)))
router.form(Form(name="booking_move", title=lambda: texts.FORM_BOOKING_MOVE,
                 slots=(WHICH_BOOKING, TIME_SLOT), submit=_submit_move))


@router.intent("my_bookings", lookup=True)
def my_bookings(ctx: Context, text: str = "") -> Reply:
    bookings = _active(ctx)
    if not bookings:
        return Reply.say(texts.BOOKING_NONE)
    lines = [texts.BOOKING_LIST, *(_describe(ctx, b) for b in bookings), texts.BOOKING_LIST_FOOTER]
    return Reply.say("\n".join(lines))


def _named(text: str) -> str | None:
    found = NUMBER.search(text)
    return found.group().upper() if found else None


@router.intent("booking_cancel", form="booking_cancel")
def cancel(ctx: Context, text: str) -> Reply:
    return start_pick(ctx, "booking_cancel", "booking", _booking_options, texts.BOOKING_NONE, _named(text))


@router.intent("booking_move", form="booking_move")
def move(ctx: Context, text: str) -> Reply:
    return start_pick(ctx, "booking_move", "booking", _booking_options, texts.BOOKING_NONE, _named(text))
