"""Answering one interaction: Discord's options -> CommandRequest -> Reply -> embeds.

Commands answer in well under a millisecond and run inline. A command the registry marks
``slow`` runs in a worker thread instead, and the interaction is deferred if it has not
answered within DEFER_AFTER_SECONDS, so Discord's 3-second window is never missed.
"""

import asyncio
import logging
from functools import lru_cache
from typing import Any

import discord

from bot.core.dispatch import Dispatcher
from bot.core.registry import CommandRequest, User
from bot.core.reply import Reply
from bot.renderers.discord import render_discord
from bot.service.observe import DRAINING_TEXT, Observer

log = logging.getLogger(__name__)
DEFER_AFTER_SECONDS = 2.0
NO_MENTIONS = discord.AllowedMentions.none()
APOLOGY = "Sorry, something went wrong answering that. The problem has been logged."


def to_request(
    interaction: discord.Interaction, command: str, args: dict[str, Any], public: bool
) -> CommandRequest:
    permissions = interaction.permissions
    user = User(
        id=str(interaction.user.id),
        name=interaction.user.name,
        is_admin=bool(permissions.manage_guild or permissions.administrator),
    )
    return CommandRequest(
        command=command,
        args={k: str(v) for k, v in args.items() if v is not None and v != ""},
        public=public,
        platform="discord",
        channel=str(interaction.channel_id),
        user=user,
        workspace=str(interaction.guild_id or ""),
    )


@lru_cache(maxsize=512)  # the dispatcher hands back the same Reply until content changes
def embeds_for(reply: Reply) -> list[discord.Embed]:
    return [discord.Embed.from_dict(embed) for embed in render_discord(reply)["embeds"]]


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    embeds = embeds_for(reply)
    ephemeral = not reply.public
    if interaction.response.is_done():
        await interaction.followup.send(
            embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.response.send_message(
            embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )


async def respond(
    dispatcher: Dispatcher,
    observer: Observer,
    interaction: discord.Interaction,
    command: str,
    args: dict[str, Any],
    public: bool,
) -> None:
    if observer.draining:  # stopping: take no new work, say so briefly
        observer.refused("discord", command)
        await interaction.response.send_message(
            DRAINING_TEXT, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    async with observer.serving("discord", command) as served:
        request = to_request(interaction, command, args, public)
        registered = dispatcher.registry.get(command)
        if registered is None or not registered.slow:
            reply = dispatcher.run(request)
        else:
            work = asyncio.ensure_future(asyncio.to_thread(dispatcher.run, request))
            done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
            if not done:
                await interaction.response.defer(ephemeral=not public, thinking=True)
            reply = await work
        served.replied(reply)
        await send_reply(interaction, reply)


async def apologise(interaction: discord.Interaction, error: Exception) -> None:
    """Tree-level errors: log the detail, tell the user briefly, keep running."""
    log.error("Discord command failed", exc_info=error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(APOLOGY, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                APOLOGY, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not send the apology")
