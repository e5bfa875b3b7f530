"""Syncing the command tree: to DISCORD_GUILD_IDS (instant) or globally, only when changed.

Discord rate-limits command updates, so the tree is compared with what Discord already
has and a sync is sent only for a real difference.
"""

import logging
from typing import Any

import discord
from discord import app_commands

from bot.platforms.errors import StartError

log = logging.getLogger(__name__)
_OPTION_KEYS = ("name", "description", "type", "required", "choices", "min_length", "max_length")


def _canonical(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts of a command we set, with Discord's defaults filled in, in name order."""
    out = []
    for command in sorted(commands, key=lambda c: c["name"]):
        options = []
        for option in command.get("options") or []:
            entry = {key: option.get(key) for key in _OPTION_KEYS}
            entry["required"] = bool(entry["required"])
            entry["choices"] = [(c["name"], c["value"]) for c in entry["choices"] or []]
            options.append(entry)
        out.append(
            {
                "name": command["name"],
                "description": command.get("description", ""),
                "type": command.get("type", 1),
                "options": options,
            }
        )
    return out


async def sync_commands(
    client: discord.Client, tree: app_commands.CommandTree[Any], guild_ids: list[int]
) -> list[str]:
    """Sync where needed; returns the scopes ("global" or guild ids) actually synced."""
    assert client.application_id is not None
    wanted = _canonical([command.to_dict(tree) for command in tree.get_commands()])
    synced = []
    targets: list[discord.Object | None] = [discord.Object(id=g) for g in guild_ids] or [None]
    for guild in targets:
        try:
            if guild is not None:
                tree.copy_global_to(guild=guild)
                current = await client.http.get_guild_commands(client.application_id, guild.id)
            else:
                current = await client.http.get_global_commands(client.application_id)
            scope = "global" if guild is None else str(guild.id)
            if _canonical([dict(command) for command in current]) == wanted:
                log.info("Discord commands already up to date (%s)", scope)
                continue
            await tree.sync(guild=guild)
        except (discord.Forbidden, discord.NotFound) as error:
            if guild is None:
                raise
            msg = (
                f"Invalid setting DISCORD_GUILD_IDS: Discord refused guild {guild.id} "
                f"(HTTP {error.status}: {error.text or 'no reason given'}); add the bot to that "
                "server with the applications.commands scope (the invite URL), or remove the id"
            )
            raise StartError(msg) from None
        synced.append(scope)
        log.info("Discord commands synced (%s): %d commands", scope, len(wanted))
    return synced
