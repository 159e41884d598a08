"""Following, unfollowing and QR posters: who is listening, and where they came from."""
from bot.content import texts
from bot.conversation.context import Context
from bot.conversation.message import Offer, Reply
from bot.handlers.menu import menu_text


def subscribed(ctx: Context, scene: str = "") -> Offer:
    ctx.user.subscribed = True
    ctx.user.subscribed_at = ctx.now
    ctx.user.unsubscribed_at = None
    if scene:
        ctx.user.scene = scene
    return menu_text(ctx, header=texts.WELCOME_MENU)


def unsubscribed(ctx: Context) -> Reply:
    """Nobody unsubscribed is ever pushed to; WeChat shows them nothing either way."""
    ctx.user.subscribed = False
    ctx.user.unsubscribed_at = ctx.now
    return Reply.nothing()
