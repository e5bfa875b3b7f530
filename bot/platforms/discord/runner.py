"""Running the Discord client beside anything else in the same event loop.

The gateway runs as a supervised task (``run_gateway``): discord.py reconnects and resumes
on its own; what it cannot heal (a rejected token, privileged intents required, bad
sharding) is raised as ``Fatal`` and stops the process. The client is an
AutoShardedClient: DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS split the shards over
several processes.
"""

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Self, cast

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.core.dispatch import Dispatcher
from bot.logs import say
from bot.platforms.discord.payloads import Payload, PressesFirst
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.discord.presses import PressAnswerer
from bot.platforms.discord.sync import sync_commands
from bot.platforms.discord.tree import build_tree, translator
from bot.platforms.errors import StartError
from bot.platforms.limits import UserLimiter
from bot.platforms.recording import public_replies
from bot.recaps.service import RecapService
from bot.service.http import Mount
from bot.service.metrics import record_rate_limited
from bot.service.observe import Observer
from bot.service.readiness import Readiness, json_number
from bot.service.supervisor import Fatal, Restart
from bot.settings import Settings

if TYPE_CHECKING:  # discord.types imports itself in circles when imported first at run time
    from discord.types.interactions import Interaction as InteractionPayload

log = logging.getLogger(__name__)
# Send messages and embed links to answer and post recaps; read message history so that,
# after a crash, the bot can check whether a recap already landed instead of posting twice.
PERMISSIONS = discord.Permissions(send_messages=True, embed_links=True, read_message_history=True)
SCOPES = ("bot", "applications.commands")
# Gateway close codes no reconnect can heal (Discord's documentation names them).
FATAL_CLOSE_CODES = {
    4004: "Invalid setting DISCORD_TOKEN: Discord rejected it (gateway close code 4004)",
    4010: "Invalid setting DISCORD_SHARD_IDS: Discord refused a shard id (gateway close code 4010)",
    4011: (
        "Invalid setting DISCORD_SHARD_COUNT: Discord requires more shards (gateway close code "
        "4011)"
    ),
    4012: "Discord refused the gateway API version (close code 4012); upgrade discord.py",
    4013: "Discord refused the gateway intents as invalid (close code 4013)",
    4014: "Discord closed the gateway with code 4014: the bot asks for privileged intents that are "
    "not enabled for it in the Developer Portal",
}


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


class _CountRateLimits(logging.Filter):
    """discord.py waits out 429s inside its HTTP client and only logs them: count those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("We are being rate limited"):
            record_rate_limited("discord")
        return True


_RATE_LIMIT_COUNTER = _CountRateLimits()


class _QuietReconnects(logging.Filter):
    """discord.py logs every reconnect of the gateway at ERROR with a traceback; a reconnect
    is routine (Discord drops gateways on purpose): one WARNING line naming the error.
    """

    ROUTINE = ("Attempting a reconnect", "Failed to connect for shard_id")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(self.ROUTINE) and record.exc_info:
            error = record.exc_info[1]
            why = f"{type(error).__name__}: {str(error)[:120]}" if error else "dropped"
            record.msg = f"Discord gateway: {record.getMessage()} ({why})"
            record.args = None
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_QUIET_RECONNECTS = _QuietReconnects()


class CaseBriefClient(discord.AutoShardedClient):
    identify_spacing = 5.0  # seconds between IDENTIFYs of one process (Discord's max_concurrency 1)

    def __init__(
        self, settings: Settings, dispatcher: Dispatcher, observer: Observer | None = None
    ) -> None:
        # No voice: discord.py's warnings that its voice libraries are missing are noise.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Only the non-privileged guilds intent (discord.py's state needs it); slash
        # commands arrive without any intent.
        intents = discord.Intents.none()
        intents.guilds = True
        sharding: dict[str, Any] = {"shard_count": settings.discord_shard_count}
        if settings.discord_shard_ids:  # else every shard in this process
            sharding["shard_ids"] = list(settings.discord_shard_ids)
        super().__init__(
            intents=intents, allowed_mentions=discord.AllowedMentions.none(), **sharding
        )
        self.settings = settings
        observer = observer or Observer(commands=[c.name for c in dispatcher.registry])
        # One allowance per person for commands and page buttons alike.
        limiter = UserLimiter(settings.user_rate_per_minute, settings.user_rate_burst)
        # Public replies are recorded, to be corrected in place later (issue 18).
        recaps = dispatcher.services.recap_service
        self.public = public_replies(recaps if isinstance(recaps, RecapService) else None)
        self.tree = build_tree(self, dispatcher, observer, limiter, self.public)
        # Page buttons of any message, from any run or instance: answered by their id alone,
        # from the gateway's payload (PressesFirst dispatches them as "page_press").
        self.press = PressAnswerer(
            dispatcher,
            observer,
            limiter,
            self.http,
            self.interaction_of,
        )
        self.synced: list[str] = []

    @property
    def syncs_commands(self) -> bool:
        """With the shards split over processes, the one holding shard 0 syncs the commands."""
        return not self.settings.discord_shard_ids or 0 in self.settings.discord_shard_ids

    async def setup_hook(self) -> None:
        """After login, before the gateway: the application id is known here."""
        assert self.application_id is not None
        say(
            f"Discord: logged in as {self.user}. Invite: {invite_url(self.application_id)}",
            stream=sys.stdout,
        )
        await self.tree.set_translator(translator())  # the commands' Spanish names
        if self.syncs_commands:
            self.synced = await sync_commands(self, self.tree, self.settings.discord_guild_ids)

    def _get_state(self, **options: Any) -> "PressesFirst[Self]":  # noqa: ANN401 - its options
        """discord.py's state (AutoShardedClient's), with page button presses taken before
        discord.py parses them.
        """
        return PressesFirst(
            dispatch=self.dispatch,
            handlers=self._handlers,
            hooks=self._hooks,
            http=self.http,
            **options,
        )

    def interaction_of(self, data: Payload) -> discord.Interaction:
        """discord.py's Interaction of a press, for the answers that go through discord.py."""
        return discord.Interaction(data=cast("InteractionPayload", data), state=self._connection)

    async def on_page_press(self, data: Payload) -> None:
        """A press on one of our page buttons (PressesFirst), answered from its payload."""
        await self.press(data)

    async def close(self) -> None:
        await super().close()
        await self.press.close()

    async def before_identify_hook(
        self,
        shard_id: int | None,  # noqa: ARG002 - discord.py's hook signature; one pace for all
        *,
        initial: bool = False,
    ) -> None:
        if not initial:
            await asyncio.sleep(self.identify_spacing)


class DiscordRunner:
    name = "discord"

    def __init__(
        self,
        settings: Settings,
        dispatcher: Dispatcher,
        *,
        client: discord.Client | None = None,
        observer: Observer | None = None,
        supervised: bool = False,
    ) -> None:
        if settings.discord_shard_ids and settings.discord_shard_count is None:
            msg = "Invalid setting DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT (the total)"
            raise StartError(msg)
        if settings.discord_shard_count is not None and any(
            not 0 <= i < settings.discord_shard_count for i in settings.discord_shard_ids
        ):
            msg = (
                "Invalid setting DISCORD_SHARD_IDS: each id must be from 0 to DISCORD_SHARD_COUNT "
                "- 1"
            )
            raise StartError(msg)
        if len(set(settings.discord_shard_ids)) != len(settings.discord_shard_ids):
            msg = "Invalid setting DISCORD_SHARD_IDS: an id is listed twice"
            raise StartError(msg)
        # discord.py reads its REST base from this class attribute (gateway URL comes from REST).
        Route.BASE = settings.discord_api_url.rstrip("/")
        self.settings = settings
        self.client = client or CaseBriefClient(settings, dispatcher, observer)
        self.dispatcher = dispatcher
        self.supervised = supervised  # True: the service runs run_gateway; else start() does
        self._task: asyncio.Task[Any] | None = None
        logging.getLogger("discord.http").addFilter(_RATE_LIMIT_COUNTER)
        for name in ("discord.client", "discord.shard"):
            logging.getLogger(name).addFilter(_QUIET_RECONNECTS)  # a filter is added once

    async def _login(self) -> None:
        assert self.settings.discord_token is not None
        try:
            await self.client.login(self.settings.discord_token.get_secret_value())
        except discord.LoginFailure:
            await self.client.close()
            msg = "Invalid setting DISCORD_TOKEN: Discord rejected it (401 Unauthorized)"
            raise StartError(msg) from None
        except StartError:  # from setup_hook: a guild of DISCORD_GUILD_IDS refused
            await self.client.close()
            raise

    async def start(self) -> None:
        await self._login()
        # Ask REST for the gateway, as Discord recommends; discord.py's plain Client would use
        # a hard-coded default, which also keeps a test or proxy Discord from working.
        _, gateway, _ = await self.client.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        if not self.supervised:
            self._task = asyncio.create_task(self.run_gateway(), name="discord")

    def poster(self) -> DiscordPoster:
        """The recap poster (its own REST session, beside discord.py's)."""
        return DiscordPoster.from_settings(self.settings)

    def tasks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        return {"discord": self.run_gateway}

    def mounts(self) -> list[Mount]:
        return []

    async def run_gateway(self) -> None:
        """The gateway until it closes; fatal close codes become ``Fatal``."""
        if self.client.is_closed():  # a previous run ended in close(): open and log in afresh
            self.client.clear()
            try:
                await self._login()
            except StartError as error:
                raise Fatal(str(error)) from None
        try:
            await self.client.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            raise Fatal(FATAL_CLOSE_CODES[4014]) from None
        except discord.ConnectionClosed as error:
            if error.code in FATAL_CLOSE_CODES:
                raise Fatal(FATAL_CLOSE_CODES[error.code]) from None
            reason = f": {error.reason}" if error.reason else ""
            msg = f"the Discord gateway closed (code {error.code}{reason})"
            raise Restart(msg) from None
        except (TimeoutError, OSError, aiohttp.ClientError, discord.GatewayNotFound) as error:
            msg = f"the Discord gateway is unreachable ({type(error).__name__})"
            raise Restart(msg) from None

    def shard_ids(self) -> list[int]:
        if self.settings.discord_shard_ids:
            return list(self.settings.discord_shard_ids)
        count = getattr(self.client, "shard_count", None) or 1
        return list(range(count))

    async def readiness(self) -> Readiness:
        client = self.client
        shards: dict[str, dict[str, Any]] = {}
        get_shard = getattr(client, "get_shard", None)
        for shard_id in self.shard_ids():
            info = get_shard(shard_id) if get_shard is not None else None
            up = info is not None and not info.is_closed()
            shards[str(shard_id)] = {
                "ready": up,
                "latency_seconds": json_number(info.latency) if up and info else None,
            }
        connected = bool(shards) and all(s["ready"] for s in shards.values())
        ready = connected and client.is_ready() and not client.is_closed()
        detail: dict[str, Any] = {
            "latency_seconds": json_number(client.latency) if ready else None,
            "shards": shards,
        }
        reason = (
            "" if ready else ("gateway not connected" if not connected else "gateway not ready yet")
        )
        return Readiness(ready=ready, detail=detail, reason=reason)

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError, Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
