"""The numbered list of what the assistant does, shown on 菜单/帮助 and on following."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Offer, Reply, join, offer
from bot.conversation.routes import Router

router = Router("menu")


def menu_text(ctx: Context, header: str | None = None) -> Offer:
    options = [(item.label, item.say) for item in ctx.catalog.help]
    return join(header or texts.MENU_HEADER, offer(options), texts.MENU_FOOTER)


def show_menu(ctx: Context, _text: str = "") -> Reply:
    return Reply.offering(menu_text(ctx))


@router.intent("ask", interrupts=False)  # 我想问问题 inside a form: the form goes on
def ask_anything(ctx: Context, _text: str = "") -> Reply:
    return Reply.say(texts.ASK_ANYTHING)
