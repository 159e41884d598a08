"""What every command shares: a refusal printed as one plain line, the settings, the running assistant."""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import click
from flask import current_app

from bot.config import ConfigError, Settings, load_settings
from bot.content import current

if TYPE_CHECKING:
    from bot.conversation.assistant import Assistant


class CommandError(click.ClickException):
    """Staff read the reason alone, without click's English "Error:" prefix; the exit code is ours."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, err=True)


def settings() -> Settings:
    """For the commands that need no app (db, faq check): a wrong setting is one line, exit code 2."""
    try:
        return load_settings()
    except ConfigError as error:
        raise CommandError(f"community-bot: {error}", code=2) from None


def community() -> Assistant:
    """The assistant of the app the click context loaded (ScriptInfo).

    Every command gets the app here, so this binds the app's faq/ snapshot until the command ends:
    texts and command words then come from FAQ_DIR, not from the project's own faq/."""
    assistant = current_app.extensions["community"]
    if current.bound() is None:
        click.get_current_context().with_resource(current.using(assistant.library.current()))
    return assistant
