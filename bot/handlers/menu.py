"""The numbered list of what the assistant does, shown on 菜单/帮助 and on following."""
from bot.conversation import texts
from bot.conversation.context import Context
from bot.conversation.message import Offer, Reply, join, offer
from bot.conversation.routes import Router

router = Router("menu")


def menu_text(ctx: Context, header: str = texts.MENU_HEADER) -> Offer:
    return join(header, offer([(item.label, item.say) for item in ctx.catalog.help]), texts.MENU_FOOTER)


def show_menu(ctx: Context, _text: str = "") -> Reply:
    return Reply.offering(menu_text(ctx))


@router.intent("ask", interrupts=False)  # 我想问问题 inside a form: the form goes on
def ask_anything(ctx: Context, _text: str = "") -> Reply:
    return Reply.say("请直接说您想问的事，比如“日间照料中心几点关门”“办居住证要带什么”。")
