"""One registry of commands: name, description, options and handler.

Every surface (console, Slack, Discord, help text, Slack manifest, Discord command
tree) is generated from it, so a command added here appears everywhere.
"""

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.reply import Reply
from bot.core.services import Services
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import Translator

if TYPE_CHECKING:
    from bot.content.store import Content


class OptionKind(StrEnum):
    TEXT = "text"  # free text: the rest of the line
    CHOICE = "choice"  # one word out of ``choices``


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    description: str
    kind: OptionKind = OptionKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str = ""
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class CommandRequest:
    """A command as any surface hands it to the core: already split into options."""

    command: str
    args: Mapping[str, str] = field(default_factory=dict)
    public: bool = False
    platform: str = "console"
    channel: str | None = None
    user: User | None = None
    notes: tuple[str, ...] = ()  # things the core did to the input, told to the user
    workspace: str = ""  # Slack team id or Discord guild id ("" when none, e.g. the console)
    # The language to answer in ("en", "es"): typed as ``lang:es``, else the platform's choice.
    locale: str = DEFAULT
    typed_locale: bool = False  # the user typed it for this command (lang:es, Discord's lang)


@dataclass(frozen=True)
class Context:
    """What a handler may use. Built per request by the dispatcher."""

    content: "Content"
    today: date
    stale_after_days: int
    registry: "Registry"
    services: Services = field(default_factory=Services)  # e.g. recaps
    locale: str = DEFAULT  # the language of the reply (the request's)

    @property
    def tr(self) -> Translator:
        """The interface's words in the reply's language, from this content's catalogs."""
        return Translator(self.locale, self.content.catalogs)


Handler = Callable[[CommandRequest, Context], Reply]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    examples: tuple[str, ...] = ()
    # The handler may block (I/O, heavy work): platforms acknowledge first, then run it
    # off the event loop. Everything else is sub-millisecond and runs inline.
    slow: bool = False
    # The reply depends only on the options, the content and the date (not on who asks or
    # where), so the dispatcher may reuse it until content or date change.
    cacheable: bool = True
    # Some actions are for admins: platforms must fill in User.is_admin before running it.
    needs_admin: bool = False

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for option in self.options:
            shown = "|".join(option.choices) if option.kind is OptionKind.CHOICE else option.name
            parts.append(f"<{shown}>" if option.required else f"[{shown}]")
        return " ".join(parts)

    def usage_hint(self) -> str:
        """The usage without the command name, as Slack's manifest wants it."""
        return self.usage().partition(" ")[2]


class Registry:
    def __init__(self, commands: Iterable[Command]) -> None:
        self._commands = {command.name: command for command in commands}

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name.lower().lstrip("/"))

    def suggest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name.lower().lstrip("/"), self._commands, n=2, cutoff=0.6)
