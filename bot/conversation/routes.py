"""What each feature module declares in one place: its intents, the forms they open, who may use them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.conversation.message import Reply

if TYPE_CHECKING:
    from bot.conversation.context import Context, Flow

TextHandler = Callable[["Context", str], Reply | None]  # None: not for this text, go on to the FAQ


@dataclass(frozen=True)
class Route:
    intent: str  # the name its words have in faq/intents.yaml
    handler: TextHandler
    form: str | None  # the form it opens: saying it again inside that form is an answer, not a new start
    lookup: bool  # asked in the middle of a form, it is answered and the form goes on
    staff: bool  # staff only (faq/staff.yaml); anyone else goes on to the FAQ as if it did not exist
    interrupts: bool  # False: inside a form its words are left to the form (满意 may be an answer)
    words: bool  # False: reached from the menu or a command only, so faq/intents.yaml needs no words
    where: str  # file:line of the declaration, for the start-up check


class Router:
    """One feature's declarations, included by the dispatcher (like aiogram's Router)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []
        self.forms: list[Flow] = []

    def intent(self, name: str, *, form: str | None = None, lookup: bool = False, staff: bool = False,
               interrupts: bool = True, words: bool = True) -> Callable[[TextHandler], TextHandler]:
        """Declare the handler of an intent; the flags are what the router needs to know about it."""

        def declare(handler: TextHandler) -> TextHandler:
            code = handler.__code__
            where = f"{_shown(code.co_filename)}:{code.co_firstlineno}"
            self.routes.append(Route(name, handler, form, lookup, staff, interrupts, words, where))
            return handler

        return declare

    def form(self, flow: Flow) -> Flow:
        """A form (or any flow) this feature opens; the app's dispatcher holds them, not a global."""
        self.forms.append(flow)
        return flow


ROOT = Path(__file__).resolve().parents[2]


def _shown(filename: str) -> str:
    """bot/handlers/booking.py rather than an absolute path."""
    path = Path(filename).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
