"""Syncing the command tree: to DISCORD_GUILD_IDS (instant) or globally, only when changed.

Discord rate-limits command updates, so the tree is compared with what Discord already
has and a sync is sent only for a real difference. The comparison includes the Spanish
names and descriptions (``name_localizations``, ``description_localizations``), which
Discord returns only when asked (``with_localizations=true``).
"""

import logging
from typing import Any

import discord
from discord import app_commands
from discord.http import Route

from bot.platforms.errors import StartError

log = logging.getLogger(__name__)
_OPTION_KEYS = ("name", "description", "type", "required", "choices", "min_length", "max_length")
_LOCALIZED = ("name_localizations", "description_localizations")


def _localized(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: dict(sorted((entry.get(key) or {}).items())) for key in _LOCALIZED}


def _canonical(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts of a command we set, with Discord's defaults filled in, in name order."""
    out = []
    for command in sorted(commands, key=lambda c: c["name"]):
        options = []
        for option in command.get("options") or []:
            entry = {key: option.get(key) for key in _OPTION_KEYS}
            entry["required"] = bool(entry["required"])
            entry["choices"] = [
                (c["name"], c["value"], _localized(c)["name_localizations"])
                for c in entry["choices"] or []
            ]
            entry.update(_localized(option))
            options.append(entry)
        out.append(
            {
                "name": command["name"],
                "description": command.get("description", ""),
                "type": command.get("type", 1),
                "options": options,
                **_localized(command),
            }
        )
    return out


async def _payloads(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """What a sync would send: with the translator's localizations when there is one."""
    translator = tree.translator
    if translator is None:
        return [command.to_dict(tree) for command in tree.get_commands()]
    return [
        await command.get_translated_payload(tree, translator)
        for command in tree.get_commands()
        if isinstance(command, app_commands.Command)
    ]


async def _current(client: discord.Client, guild: discord.Object | None) -> list[dict[str, Any]]:
    """What Discord has, with every localization (discord.py's own getters omit them)."""
    assert client.application_id is not None
    params = {"with_localizations": "true"}
    if guild is None:
        route = Route(
            "GET", "/applications/{application_id}/commands", application_id=client.application_id
        )
    else:
        route = Route(
            "GET",
            "/applications/{application_id}/guilds/{guild_id}/commands",
            application_id=client.application_id,
            guild_id=guild.id,
        )
    found = await client.http.request(route, params=params)
    return [dict(command) for command in found]


async def sync_commands(
    client: discord.Client, tree: app_commands.CommandTree[Any], guild_ids: list[int]
) -> list[str]:
    """Sync where needed; returns the scopes ("global" or guild ids) actually synced."""
    assert client.application_id is not None
    wanted = _canonical(await _payloads(tree))
    synced = []
    targets: list[discord.Object | None] = [discord.Object(id=g) for g in guild_ids] or [None]
    for guild in targets:
        scope = "global" if guild is None else str(guild.id)
        try:
            if guild is not None:
                tree.copy_global_to(guild=guild)
            current = await _current(client, guild)
            if _canonical(current) == wanted:
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
