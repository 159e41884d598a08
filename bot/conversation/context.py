"""Everything a handler may use for one message, with no web or WeChat objects in it."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.models import Conversation, HandoffRequest, StaffAccount, User
from bot.services import accounts

if TYPE_CHECKING:
    from bot.content.calendar import Calendar
    from bot.content.catalog import Catalog
    from bot.content.library import Snapshot
    from bot.content.services import Services
    from bot.conversation.message import Offer, Reply
    from bot.knowledge import Knowledge, Rules


class Flow(Protocol):
    """A conversation that owns the resident's replies while open: a Form, or a feature's own state machine."""

    name: str

    def handle(self, ctx: Context, step: str, text: str) -> Reply:
        """One typed reply at `step`."""

    def question(self, ctx: Context, step: str) -> Offer:
        """The open question again, with its choices (after an aside or 帮助)."""

    def takes(self, ctx: Context, step: str, text: str) -> bool:
        """Would `step` accept this text as its answer? (Then it is no command or lookup.)"""


@dataclass
class Context:
    session: Session
    user: User
    conversation: Conversation
    settings: Settings
    data: Snapshot  # what staff keep in faq/, as loaded when the message arrived
    now: datetime  # aware UTC
    forms: Mapping[str, Flow]  # the app's forms by name, from the features' declarations
    notices: list[str] = field(default_factory=list)  # said before the reply (e.g. "your form expired")
    case: HandoffRequest | None = None  # the open 人工 case: the resident is talking to staff, not the bot

    @property
    def knowledge(self) -> Knowledge:
        return self.data.knowledge

    @property
    def catalog(self) -> Catalog:
        return self.data.catalog

    @property
    def services(self) -> Services:
        return self.data.services

    @property
    def calendar(self) -> Calendar:
        return self.data.calendar

    @property
    def rules(self) -> Rules:
        return self.data.rules

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.settings.tz)

    def staff_member(self) -> StaffAccount | None:
        """The office account bound to this WeChat, if any: only they may use the staff commands."""
        member = accounts.by_openid(self.session, self.user.openid)
        return member if member is not None and member.role in accounts.WECHAT_COMMAND_ROLES else None
