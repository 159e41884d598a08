"""The numbered list of what the assistant does, shown on 菜单/帮助 and on following."""
from bot.conversation import texts
from bot.conversation.context import Context
from bot.conversation.message import Reply


def menu_text(ctx: Context, header: str | None = None) -> str:
    header = header or texts.MENU_HEADER
    options = [(item.label, item.say) for item in ctx.catalog.help]
    return f"{header}\n{ctx.offer(options)}\n{texts.MENU_FOOTER}"


def show_menu(ctx: Context, _text: str = "") -> Reply:
    return Reply.say(menu_text(ctx))


def ask_anything(ctx: Context, _text: str = "") -> Reply:
    return Reply.say(texts.ASK_ANYTHING)
