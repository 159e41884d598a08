"""人工: a person takes over, through WeChat customer service or a case in the console's inbox."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.handlers.common import day_and_time
from bot.services import handoffs

INBOX_PATH = "/console/inbox/{id}"


def handoff(ctx: Context, text: str = "") -> Reply:
    case, new = handoffs.open_case(ctx.session, ctx.user, ctx.now)
    if ctx.settings.WECHAT_CUSTOMER_SERVICE:
        handoffs.close(ctx.session, case, ctx.now, texts.CASE_CLOSED_BY_CUSTOMER_SERVICE)  # WeChat's 客服 has it
        return Reply.transfer()
    ctx.case = case
    if not new:
        return Reply.say(texts.HANDOFF_CASE_WAITING, "handoff")
    handoffs.notify_staff(ctx.session, case, ctx.settings.PUBLIC_URL.rstrip("/") + INBOX_PATH)
    local = ctx.local_now
    if ctx.catalog.staff_on_duty(local):
        return Reply.say(texts.HANDOFF_CASE_OPEN, "handoff")
    day, time = day_and_time(ctx, ctx.catalog.next_staff_time(local))
    back = texts.BACK_AT.format(day=day, time=time)
    closed = texts.HANDOFF_RECORDED_CLOSED.format(when=back)
    hours = texts.STAFF_HOURS.format(hours=ctx.catalog.staff_hours_text)
    return Reply.say(f"{closed}\n{hours}\n{texts.HANDOFF_END_HINT}", "handoff")
