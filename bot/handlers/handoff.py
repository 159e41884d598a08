"""人工: a person takes over, through WeChat customer service or the staff's request list."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply
from bot.services import handoffs


def handoff(ctx: Context, text: str = "") -> Reply:
    last = ctx.conversation.data.get("last_text", "")
    handoffs.open_request(ctx.session, ctx.user, last or text, ctx.now)
    if ctx.settings.WECHAT_CUSTOMER_SERVICE:
        return Reply.transfer()
    local = ctx.local_now
    if ctx.catalog.staff_on_duty(local):
        return Reply.say(texts.HANDOFF_RECORDED_OPEN, "handoff")
    start = ctx.catalog.next_staff_time(local)
    days = (start.date() - local.date()).days
    day = "今天" if days == 0 else "明天" if days == 1 else f"{start.month}月{start.day}日"
    closed = texts.HANDOFF_RECORDED_CLOSED.format(when=f"{day}{start.hour}:{start.minute:02d}上班后")
    return Reply.say(closed + "\n" + texts.STAFF_HOURS.format(hours=ctx.catalog.staff_hours_text), "handoff")
