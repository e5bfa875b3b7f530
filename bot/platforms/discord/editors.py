"""The editors' channel on Discord (``EDITORS_CHANNEL=discord:<channel id>``): bot.intake's
``EditorsChannel`` over Discord's REST API, one attempt per call.

The post is an embed (title, the item's link, the verdict lines); the details are a reply to
it (``message_reference``), Discord's thread of a message. Each carries its marker as the
nonce (Discord drops a repeat within minutes) and in the footer, so a post whose outcome is
unknown is found in the channel's history after the attempt. Mentions are off.
"""

import re
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import aiohttp
import discord

from bot.intake.editors import EditorsMessage, EditorsPostError
from bot.platforms.discord.poster import has_marker, snowflake
from bot.renderers.safety import clip, defuse

HISTORY_PAGES = 50  # x 100 messages after the attempt
_EMBED_URL = re.compile(r"^https?://[^\s<>\"]{1,2000}$")


def render(message: EditorsMessage, marker: str) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": clip(defuse(message.title), 256),
        "description": clip("\n".join(defuse(line) for line in message.lines), 4000),
        "footer": {"text": f"ref {marker}"},
    }
    if message.link and _EMBED_URL.match(message.link):
        embed["url"] = message.link
    return {
        "embeds": [embed],
        "nonce": marker[:25],
        "enforce_nonce": True,
        "allowed_mentions": {"parse": []},
    }


class DiscordEditors:
    platform = "discord"

    def __init__(self, token: str, api_url: str, *, timeout: float = 10.0) -> None:
        self.base = api_url.rstrip("/")
        self.headers = {
            "Authorization": f"Bot {token}",
            "User-Agent": (
                f"DiscordBot (https://github.com/Rapptz/discord.py {discord.__version__})"
            ),
        }
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self.headers, timeout=self.timeout)
        return self._session

    async def post(
        self, channel: str, message: EditorsMessage, marker: str, *, thread: str | None = None
    ) -> str:
        payload = render(message, marker)
        if thread is not None:
            payload["message_reference"] = {"message_id": thread, "fail_if_not_exists": False}
        try:
            async with self._http().post(
                f"{self.base}/channels/{channel}/messages", json=payload
            ) as response:
                body = await _json(response)
                if response.status < HTTPStatus.MULTIPLE_CHOICES:
                    return str(body.get("id"))
                raise _classify(response, body)
        except (TimeoutError, aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise EditorsPostError(msg, unknown_outcome=True) from None
        except aiohttp.ClientError as error:
            msg = f"{type(error).__name__}: {error}"
            raise EditorsPostError(
                msg, unknown_outcome=not isinstance(error, aiohttp.ClientConnectorError)
            ) from None

    async def find(
        self,
        channel: str,
        marker: str,
        since: datetime,
        *,
        thread: str | None = None,  # noqa: ARG002 - replies are in the channel's history
    ) -> str | None:
        after = snowflake(since.astimezone(UTC))
        for _ in range(HISTORY_PAGES):
            try:
                async with self._http().get(
                    f"{self.base}/channels/{channel}/messages",
                    params={"after": str(after), "limit": "100"},
                ) as response:
                    if response.status >= HTTPStatus.MULTIPLE_CHOICES:
                        raise _classify(response, await _json(response))
                    messages: list[dict[str, Any]] = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError) as error:
                msg = f"cannot look in the channel: {type(error).__name__}"
                raise EditorsPostError(msg, unknown_outcome=True) from None
            for found in messages:
                if has_marker(found, marker):
                    return str(found.get("id"))
            if len(messages) < 100:  # noqa: PLR2004 - a short page is the last
                return None
            after = max(int(m["id"]) for m in messages)
        msg = f"more than {HISTORY_PAGES * 100} messages since the attempt; cannot tell"
        raise EditorsPostError(msg, unknown_outcome=True)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _classify(response: aiohttp.ClientResponse, body: dict[str, Any]) -> EditorsPostError:
    status = response.status
    reason = f"{status} {body.get('message') or response.reason or ''}".strip()
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        retry_after = float(body.get("retry_after") or response.headers.get("Retry-After") or 1)
        return EditorsPostError(reason, retry_after=retry_after)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return EditorsPostError(reason, unknown_outcome=True)
    return EditorsPostError(reason, permanent=True)


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return data if isinstance(data, dict) else {}
