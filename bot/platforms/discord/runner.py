"""Running the Discord client beside anything else in the same event loop."""

import asyncio
import contextlib
import logging
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.core.dispatch import Dispatcher
from bot.platforms.discord.sync import sync_commands
from bot.platforms.errors import StartError
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.discord.tree import build_tree
from bot.settings import Settings

log = logging.getLogger(__name__)
# Send messages and embed links to answer and post recaps; read message history so that,
# after a crash, the bot can check whether a recap already landed instead of posting twice.
PERMISSIONS = discord.Permissions(send_messages=True, embed_links=True, read_message_history=True)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


class CaseBriefClient(discord.Client):
    def __init__(self, settings: Settings, dispatcher: Dispatcher) -> None:
        # Only the non-privileged guilds intent (discord.py's state needs it); slash
        # commands arrive without any intent.
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.settings = settings
        self.tree = build_tree(self, dispatcher)
        self.synced: list[str] = []

    async def setup_hook(self) -> None:
        """After login, before the gateway: the application id is known here."""
        assert self.application_id is not None
        print(f"Discord: logged in as {self.user}. Invite: {invite_url(self.application_id)}", flush=True)
        self.synced = await sync_commands(self, self.tree, self.settings.discord_guild_ids)


class DiscordRunner:
    def __init__(self, settings: Settings, dispatcher: Dispatcher, *, client: discord.Client | None = None) -> None:
        # discord.py reads its REST base from this class attribute (gateway URL comes from REST).
        Route.BASE = settings.discord_api_url.rstrip("/")
        self.settings = settings
        self.client = client or CaseBriefClient(settings, dispatcher)
        self.dispatcher = dispatcher
        self._task: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        assert self.settings.discord_token is not None
        try:
            await self.client.login(self.settings.discord_token.get_secret_value())
        except discord.LoginFailure:
            await self.client.close()
            raise StartError("Invalid setting DISCORD_TOKEN: Discord rejected it (401 Unauthorized)") from None
        # Ask REST for the gateway, as Discord recommends; discord.py's plain Client would use
        # a hard-coded default, which also keeps a test or proxy Discord from working.
        recaps = self.dispatcher.services.get("recaps")
        if recaps is not None:
            recaps.posters["discord"] = DiscordPoster.from_settings(self.settings)
        _, gateway, _ = await self.client.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        self._task = asyncio.create_task(self.client.connect(reconnect=True), name="discord")

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self._task, 10)
            self._task = None
