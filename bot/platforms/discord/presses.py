"""Discord's page buttons: a component interaction answered with an update of its message.

Every component interaction reaches the client's ``on_interaction``; a press whose id is one
of ours (``FAMILY``), on any message from any earlier run or instance, is answered here with
UPDATE_MESSAGE (interaction response type 7) carrying the page. (discord.py's DynamicItem
would route it too, but first rebuilds a View from the pressed message and ignores a press
whose button it cannot find there: slower, and silent on exactly the faults we must answer.)
What to show comes from bot/platforms/presses.py. A message whose embeds were removed (an
admin's "Remove embeds"), and every fault, gets a private answer instead.
"""

from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot.core.binding import UsageError, bind, split_line
from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.platforms.discord.pages import page_message
from bot.platforms.discord.respond import apologise
from bot.platforms.limits import UserLimiter, slow_down
from bot.platforms.presses import EDITED, UPDATED, Outcome, PressAnswer, answer_press
from bot.renderers.buttons import ButtonId, Options
from bot.renderers.discord import render_discord
from bot.service.observe import DRAINING_TEXT, Observer, Pressed

FAMILY = "pg"  # every page button id, whatever its version: faults are answered here too
NO_MENTIONS = discord.AllowedMentions.none()
WORD_JOINER = "\u2060"  # what defuse() puts inside mention- and link-like text


def _options_in_author(
    dispatcher: Dispatcher, message: discord.Message | None
) -> Callable[[ButtonId], Options | None]:
    """Options too long for the id, read back from the command line shown as the author."""

    def found(made: ButtonId) -> Options | None:
        embeds = message.embeds if message is not None else []
        asked = (embeds[0].author.name or "") if embeds else ""
        command = dispatcher.registry.get(made.command)
        typed = split_line(asked.replace(WORD_JOINER, ""))
        if command is None or typed.command != command.name:
            return None
        try:
            request = bind(command, typed.text)
        except UsageError:
            return None
        return tuple(request.args.items())

    return found


def _changed(message: discord.Message | None) -> bool:
    """Someone removed the page from the message (its embeds), so it is not ours to replace."""
    return message is None or message.flags.suppress_embeds or not message.embeds


async def send_answer(interaction: discord.Interaction, answer: PressAnswer) -> None:
    if answer.paged is None:
        assert answer.note is not None
        embeds = [discord.Embed.from_dict(e) for e in render_discord(answer.note)["embeds"]]
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    embeds, view = page_message(answer.paged, answer.page, answer.notice)
    if answer.outcome is Outcome.UPDATE:
        await interaction.response.edit_message(  # type 7: UPDATE_MESSAGE
            embeds=embeds, view=view, allowed_mentions=NO_MENTIONS
        )
        message = interaction.message
        if answer.notice and message is not None and not message.flags.ephemeral:
            await interaction.followup.send(UPDATED, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    kwargs: dict[str, Any] = {"view": view} if view is not None else {}
    await interaction.response.send_message(
        embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs
    )


Press = Callable[[discord.Interaction, str], Coroutine[Any, Any, None]]


def press_answerer(dispatcher: Dispatcher, observer: Observer, limiter: UserLimiter) -> Press:
    async def answer(interaction: discord.Interaction, raw: str) -> None:
        if observer.draining:
            observer.record_press(Pressed("discord", outcome="refused_draining"))
            await interaction.response.send_message(
                DRAINING_TEXT, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        wait = limiter.wait("discord", str(interaction.user.id))
        if wait:
            observer.record_press(Pressed("discord", outcome="rate_limited"))
            await interaction.response.send_message(
                slow_down(wait), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        async with observer.pressing("discord") as pressed:
            message = interaction.message
            found = answer_press(
                dispatcher,
                raw,
                platform="discord",
                user=User(str(interaction.user.id), interaction.user.name),
                channel=str(interaction.channel_id),
                workspace=str(interaction.guild_id or ""),
                options_beside=_options_in_author(dispatcher, message),
            )
            if found.outcome is Outcome.UPDATE and _changed(message):
                found = found.privately(EDITED)
            pressed.command, pressed.outcome = found.command, found.metric
            await send_answer(interaction, found)

    return answer


async def on_component(answer: Press, interaction: discord.Interaction) -> bool:
    """Answer ``interaction`` if it is a press on a page button; False when it is not one."""
    if interaction.type is not discord.InteractionType.component:
        return False
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FAMILY):
        return False
    try:
        await answer(interaction, custom_id)
    except Exception as error:  # noqa: BLE001 - logged with its trace; the user is told
        await apologise(interaction, error)
    return True
