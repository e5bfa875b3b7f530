"""The app_commands tree, generated from the registry.

discord.py reads option types from callback signatures, so each option shape has its own
small callback (text options carry the core's length limit as a Range); names and
descriptions come from the registry, with their Spanish forms from the catalogs
(bot/platforms/discord/names.py). Shapes today: no option, one text or choice option, or a
choice then text (/recap, /brief); all with ``public`` and ``lang`` (the reply's language,
``lang:es``, whatever the client's).
"""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord
from discord import app_commands

from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Option, OptionKind
from bot.i18n.catalogs import N_
from bot.i18n.locales import SUPPORTED
from bot.platforms.discord.names import CatalogTranslator, localized, name
from bot.platforms.discord.respond import apologise, respond
from bot.platforms.limits import UserLimiter
from bot.platforms.recording import PublicReplies
from bot.service.observe import Observer

# Answers one interaction: (interaction, command name, options, public, lang).
Answer = Callable[[discord.Interaction, str, dict[str, Any], bool, str | None], Awaitable[None]]
PUBLIC_DESCRIPTION = N_("Post the reply for everyone in the channel (default: only you see it)")
LANG_DESCRIPTION = N_("The reply's language (default: your choice with /brief, or Discord's)")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}  # their Spanish: names.py
LANG_CHOICES = [
    app_commands.Choice(name=localized(LANGUAGE_NAMES[code]), value=code) for code in SUPPORTED
]


def _choices(option: Option) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=localized(c), value=c) for c in option.choices[:25]]


def _choice_and_text(answer: Answer, command: Command) -> Any:
    """A choice followed by free text, e.g. /recap <action> [details]."""
    first, second = command.options
    command_name = command.name

    async def pair(
        interaction: discord.Interaction,
        value: str | None = None,
        extra: app_commands.Range[str, 1, second.max_length] | None = None,
        public: bool = False,
        lang: str | None = None,
    ) -> None:
        await answer(
            interaction, command_name, {first.name: value, second.name: extra}, public, lang
        )

    callback = app_commands.choices(value=_choices(first))(pair)
    callback = app_commands.rename(value=name(first.name), extra=name(second.name))(callback)
    return app_commands.describe(
        value=localized(first.description), extra=localized(second.description)
    )(callback)


def _callback(answer: Answer, command: Command) -> Any:
    command_name = command.name
    option: Option | None = command.options[0] if command.options else None
    kinds = tuple(o.kind for o in command.options)
    if kinds == (OptionKind.CHOICE, OptionKind.TEXT):
        return _choice_and_text(answer, command)
    if len(command.options) > 1:
        msg = f"/{command_name}: the Discord adapter has no shape for options {kinds}"
        raise ValueError(msg)

    if option is None:

        async def bare(
            interaction: discord.Interaction, public: bool = False, lang: str | None = None
        ) -> None:
            await answer(interaction, command_name, {}, public, lang)

        return bare

    key = option.name
    if option.kind is OptionKind.CHOICE:

        async def choice(
            interaction: discord.Interaction,
            value: str | None = None,
            public: bool = False,
            lang: str | None = None,
        ) -> None:
            await answer(interaction, command_name, {key: value}, public, lang)

        callback: Any = app_commands.choices(value=_choices(option))(choice)
    elif option.required:

        async def required(
            interaction: discord.Interaction,
            value: app_commands.Range[str, 1, option.max_length],
            public: bool = False,
            lang: str | None = None,
        ) -> None:
            await answer(interaction, command_name, {key: value}, public, lang)

        callback = required
    else:

        async def optional(
            interaction: discord.Interaction,
            value: app_commands.Range[str, 1, option.max_length] | None = None,
            public: bool = False,
            lang: str | None = None,
        ) -> None:
            await answer(interaction, command_name, {key: value}, public, lang)

        callback = optional
    callback = app_commands.rename(value=name(key))(callback)
    return app_commands.describe(value=localized(option.description))(callback)


def app_command(answer: Answer, command: Command) -> app_commands.Command[Any, ..., None]:
    callback = _callback(answer, command)
    callback = app_commands.choices(lang=LANG_CHOICES)(callback)
    callback = app_commands.rename(public=name("public"), lang=name("lang"))(callback)
    callback = app_commands.describe(
        public=localized(PUBLIC_DESCRIPTION), lang=localized(LANG_DESCRIPTION)
    )(callback)
    return app_commands.Command(
        name=name(command.name),
        description=localized(command.description),
        callback=callback,
    )


class _Tree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await apologise(interaction, error)


def build_tree(
    client: discord.Client,
    dispatcher: Dispatcher,
    observer: Observer | None = None,
    limiter: UserLimiter | None = None,
    recorder: PublicReplies | None = None,
) -> app_commands.CommandTree[Any]:
    """The command tree; ``limiter`` is shared with the page buttons (default: no limit).
    Its Spanish names and descriptions come with ``translator()``, set before a sync.
    """
    tree = _Tree(client)
    answer: Answer = partial(
        respond,
        dispatcher,
        observer or Observer(commands=[c.name for c in dispatcher.registry]),
        limiter or UserLimiter(0, 1),
        recorder=recorder,
    )
    for command in dispatcher.registry:
        tree.add_command(app_command(answer, command))
    return tree


def translator() -> CatalogTranslator:
    return CatalogTranslator()
