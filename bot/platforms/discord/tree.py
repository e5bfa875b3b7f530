"""The app_commands tree, generated from the registry.

discord.py reads option types from callback signatures, so each option shape has its own
small callback (text options carry the core's length limit as a Range); names and
descriptions come from the registry. Shapes today: no option, one text or choice option,
or a choice then text (/recap); all with ``public``.
"""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord
from discord import app_commands

from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Option, OptionKind
from bot.platforms.discord.respond import apologise, respond
from bot.platforms.limits import UserLimiter
from bot.renderers.safety import clip
from bot.service.observe import Observer

DESCRIPTION_CHARS = 100  # Discord's limit for command and option descriptions
# Answers one interaction: (interaction, command name, options, public).
Answer = Callable[[discord.Interaction, str, dict[str, Any], bool], Awaitable[None]]
PUBLIC_DESCRIPTION = "Post the reply for everyone in the channel (default: only you see it)"


def _choice_and_text(answer: Answer, command: Command) -> Any:
    """A choice followed by free text, e.g. /recap <action> [details]."""
    first, second = command.options
    name = command.name

    async def pair(
        interaction: discord.Interaction,
        value: str | None = None,
        extra: app_commands.Range[str, 1, second.max_length] | None = None,
        public: bool = False,
    ) -> None:
        await answer(interaction, name, {first.name: value, second.name: extra}, public)

    callback = app_commands.choices(
        value=[app_commands.Choice(name=c, value=c) for c in first.choices[:25]]
    )(pair)
    callback = app_commands.rename(value=first.name, extra=second.name)(callback)
    return app_commands.describe(
        value=clip(first.description, DESCRIPTION_CHARS),
        extra=clip(second.description, DESCRIPTION_CHARS),
    )(callback)


def _callback(answer: Answer, command: Command) -> Any:
    name = command.name
    option: Option | None = command.options[0] if command.options else None
    kinds = tuple(o.kind for o in command.options)
    if kinds == (OptionKind.CHOICE, OptionKind.TEXT):
        return _choice_and_text(answer, command)
    if len(command.options) > 1:
        msg = f"/{name}: the Discord adapter has no shape for options {kinds}"
        raise ValueError(msg)

    if option is None:

        async def bare(interaction: discord.Interaction, public: bool = False) -> None:
            await answer(interaction, name, {}, public)

        return bare

    key = option.name
    if option.kind is OptionKind.CHOICE:

        async def choice(
            interaction: discord.Interaction, value: str | None = None, public: bool = False
        ) -> None:
            await answer(interaction, name, {key: value}, public)

        callback: Any = app_commands.choices(
            value=[app_commands.Choice(name=c, value=c) for c in option.choices[:25]]
        )(choice)
    elif option.required:

        async def required(
            interaction: discord.Interaction,
            value: app_commands.Range[str, 1, option.max_length],
            public: bool = False,
        ) -> None:
            await answer(interaction, name, {key: value}, public)

        callback = required
    else:

        async def optional(
            interaction: discord.Interaction,
            value: app_commands.Range[str, 1, option.max_length] | None = None,
            public: bool = False,
        ) -> None:
            await answer(interaction, name, {key: value}, public)

        callback = optional
    callback = app_commands.rename(value=key)(callback)
    return app_commands.describe(value=clip(option.description, DESCRIPTION_CHARS))(callback)


def app_command(answer: Answer, command: Command) -> app_commands.Command[Any, ..., None]:
    callback = app_commands.describe(public=PUBLIC_DESCRIPTION)(_callback(answer, command))
    return app_commands.Command(
        name=command.name,
        description=clip(command.description, DESCRIPTION_CHARS),
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
) -> app_commands.CommandTree[Any]:
    """The command tree; ``limiter`` is shared with the page buttons (default: no limit)."""
    tree = _Tree(client)
    answer: Answer = partial(
        respond,
        dispatcher,
        observer or Observer(commands=[c.name for c in dispatcher.registry]),
        limiter or UserLimiter(0, 1),
    )
    for command in dispatcher.registry:
        tree.add_command(app_command(answer, command))
    return tree
