"""Everything a handler may use for one message, with no web or WeChat objects in it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.models import Conversation, User

if TYPE_CHECKING:
    from bot.content.calendar import Calendar
    from bot.content.catalog import Catalog
    from bot.content.library import Snapshot
    from bot.content.services import Services
    from bot.knowledge import Knowledge, Rules


@dataclass
class Context:
    session: Session
    user: User
    conversation: Conversation
    settings: Settings
    data: Snapshot  # what staff keep in faq/, as loaded when the message arrived
    now: datetime  # aware UTC
    notices: list[str] = field(default_factory=list)  # said before the reply (e.g. "your form expired")

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

    def offer(self, options: Sequence[tuple[str, str]], faq: bool = False, key: str = "say") -> str:
        """Show numbered choices; a later bare digit acts as the paired text (or FAQ id, or check)."""
        key = "faq" if faq else key
        self.conversation.choices = [{"label": label, key: value} for label, value in options]
        return "\n".join(f"回复{i}：{label}" for i, (label, _) in enumerate(options, 1))
