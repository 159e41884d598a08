"""Everything a handler may use for one message, with no web or WeChat objects in it."""
from __future__ import annotations

from collections.abc import Mapping
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
    from bot.conversation.dialog import Flow
    from bot.knowledge import Knowledge, Rules


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
