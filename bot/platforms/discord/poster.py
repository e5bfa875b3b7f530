"""Posting recaps to Discord over its REST API, one attempt per call.

discord.py's HTTPClient retries 429s and 5xx by itself (up to five tries inside one
``request``), which would stack under the recap service's retry layer; so recaps post with
aiohttp directly and keep Discord's rate-limit rules here: a bucket per channel route
(5 messages per 5 s unless Discord's X-RateLimit-* headers say otherwise), held on a 429
for its Retry-After, and a global hold when Discord reports a global limit.
"""

import asyncio
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import aiohttp
import discord
from cachetools import LRUCache

from bot.core.reply import Reply
from bot.recaps.pacing import Buckets, TokenBucket
from bot.recaps.posting import DeliveryError, LeaseLost, MessageGone, always
from bot.renderers.discord import render_discord
from bot.settings import Settings

DISCORD_EPOCH_MS = 1_420_070_400_000
HISTORY_PAGES = 200  # x HISTORY_PAGE_SIZE messages after the claim time
HISTORY_PAGE_SIZE = 100  # Discord's largest page; a shorter page is the last
UNKNOWN_MESSAGE = 10008  # Discord's JSON error code: the message was deleted
RENDERED_KEPT = 64  # rendered replies: a fan-out posts one Reply object to many channels


def snowflake(moment: datetime) -> int:
    """The smallest message id Discord could give at ``moment`` (for ``?after=``)."""
    return max(0, int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22


def has_marker(message: dict[str, Any], marker: str) -> bool:
    return message.get("nonce") == marker[:25] or any(
        f"ref {marker}" in ((embed.get("footer") or {}).get("text") or "")
        for embed in message.get("embeds") or []
    )


class DiscordPoster:
    platform = "discord"

    def __init__(
        self, token: str, api_url: str, *, timeout: float = 10.0, concurrency: int = 50
    ) -> None:
        self.base = api_url.rstrip("/")
        self.headers = {
            "Authorization": f"Bot {token}",
            # Discord's required form: "DiscordBot ($url, $versionNumber)".
            "User-Agent": (
                f"DiscordBot (https://github.com/Rapptz/discord.py {discord.__version__})"
            ),
        }
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.routes = Buckets(1.0, burst=5.0)  # POST /channels/{id}/messages: 5 per 5 s
        self.global_bucket = TokenBucket(
            50.0, burst=50.0
        )  # Discord's global 50 requests per second
        self.in_flight = asyncio.Semaphore(concurrency)
        self._session: aiohttp.ClientSession | None = None
        self._rendered: LRUCache[int, tuple[Reply, dict[str, Any]]] = LRUCache(RENDERED_KEPT)

    @classmethod
    def from_settings(cls, settings: Settings) -> "DiscordPoster":
        assert settings.discord_token is not None
        return cls(
            settings.discord_token.get_secret_value(),
            settings.discord_api_url,
            concurrency=settings.recap_concurrency,
        )

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self.headers, timeout=self.timeout)
        return self._session

    async def post(
        self,
        workspace: str,  # noqa: ARG002 - the Poster protocol; Discord has no workspaces
        channel: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        return await self._send(channel, reply, marker, still_ours, None)

    async def reply_in_thread(
        self,
        workspace: str,  # noqa: ARG002 - the Poster protocol; Discord has no workspaces
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        """A reply to the message (``message_reference``), shown with it quoted above."""
        return await self._send(channel, reply, marker, still_ours, message_id)

    async def edit(
        self,
        workspace: str,  # noqa: ARG002 - the Poster protocol; Discord has no workspaces
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
        keep_buttons: bool = False,  # noqa: ARG002 - always: a PATCH without components keeps them
    ) -> None:
        """PATCH /channels/{channel}/messages/{id}: the message's embeds replaced (its
        components, a public reply's page buttons, left as they are).
        """
        payload = self._payload(reply, marker)
        payload = {"embeds": payload["embeds"], "allowed_mentions": {"parse": []}}
        await self._request(
            "PATCH",
            f"/channels/{channel}/messages/{message_id}",
            self.routes[f"edit:{channel}"],
            payload,
            still_ours,
        )

    async def edited(
        self,
        workspace: str,  # noqa: ARG002 - the Poster protocol; Discord has no workspaces
        channel: str,
        message_id: str,
        marker: str,
    ) -> bool:
        """GET the message: whether its footer carries ``marker``."""
        route = self.routes[f"history:{channel}"]
        await route.take()
        async with self._http().get(
            f"{self.base}/channels/{channel}/messages/{message_id}"
        ) as response:
            self._follow_headers(route, response)
            if response.status >= HTTPStatus.MULTIPLE_CHOICES:
                raise self._classify(route, response, await _json(response))
            message: dict[str, Any] = await response.json(content_type=None)
        return has_marker(message, marker)

    async def replied(
        self,
        workspace: str,
        channel: str,
        message_id: str,
        marker: str,
    ) -> bool:
        """The channel after the message: whether a reply carries ``marker``."""
        after = datetime.fromtimestamp(((int(message_id) >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)
        return await self.already_posted(workspace, channel, marker, after) is not None

    def _payload(self, reply: Reply, marker: str) -> dict[str, Any]:
        payload = copy.deepcopy(self._render(reply))  # the marker differs per channel
        footer = payload["embeds"][-1].setdefault("footer", {"text": ""})
        footer["text"] = (footer["text"] + f" \u00b7 ref {marker}")[-2048:]
        return payload

    async def _send(
        self,
        channel: str,
        reply: Reply,
        marker: str,
        still_ours: Callable[[], bool],
        reference: str | None,
    ) -> str:
        payload = self._payload(reply, marker)
        # Discord drops a second message with the same nonce sent within minutes: a cheap
        # second guard under the channel check.
        payload.update(flags=0, nonce=marker[:25], enforce_nonce=True)
        if reference is not None:
            payload["message_reference"] = {"message_id": reference, "channel_id": channel}
        body = await self._request(
            "POST",
            f"/channels/{channel}/messages",
            self.routes[f"channel:{channel}"],
            payload,
            still_ours,
        )
        return str(body.get("id") or "")

    async def _request(
        self,
        method: str,
        path: str,
        route: TokenBucket,
        payload: dict[str, Any],
        still_ours: Callable[[], bool],
    ) -> dict[str, Any]:
        await route.take()
        await self.global_bucket.take()
        if not still_ours():
            raise LeaseLost
        try:
            async with (
                self.in_flight,
                self._http().request(method, f"{self.base}{path}", json=payload) as response,
            ):
                self._follow_headers(route, response)
                body = await _json(response)
                if response.status < HTTPStatus.MULTIPLE_CHOICES:  # 2xx
                    return body
                raise self._classify(route, response, body)
        except (TimeoutError, aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(msg, unknown_outcome=True) from None
        except aiohttp.ClientError as error:
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(
                msg,
                unknown_outcome=not isinstance(error, aiohttp.ClientConnectorError),
            ) from None

    def _render(self, reply: Reply) -> dict[str, Any]:
        """A fan-out posts the same Reply object to many channels: render it once."""
        # Keyed by identity; the entry holds the reply, so no other object takes its id meanwhile.
        cached = self._rendered.get(id(reply))
        if cached is None:
            cached = self._rendered[id(reply)] = (reply, render_discord(reply))
        return cached[1]

    def _follow_headers(self, route: TokenBucket, response: aiohttp.ClientResponse) -> None:
        headers = response.headers
        try:
            limit = int(headers["X-RateLimit-Limit"])
            remaining = int(headers["X-RateLimit-Remaining"])
            reset_after = float(headers["X-RateLimit-Reset-After"])
        except (KeyError, ValueError):
            return
        if limit > 0 and reset_after > 0:
            route.set_rate(limit / max(reset_after, 1.0), limit)
        if remaining == 0:
            route.hold(reset_after)

    def _classify(
        self, route: TokenBucket, response: aiohttp.ClientResponse, body: dict[str, Any]
    ) -> DeliveryError:
        status = response.status
        reason = f"{status} {body.get('message') or response.reason or ''}".strip()
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = float(body.get("retry_after") or response.headers.get("Retry-After") or 1)
            if body.get("global") or response.headers.get("X-RateLimit-Global"):
                self.global_bucket.hold(retry_after)
            else:
                route.hold(retry_after)
            return DeliveryError(reason, retry_after=retry_after, rate_limited=True, held=True)
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            return DeliveryError(reason, unknown_outcome=True)
        if body.get("code") == UNKNOWN_MESSAGE or (
            # a reply to a message deleted meanwhile: its message_reference is refused
            status == HTTPStatus.BAD_REQUEST and "unknown message" in str(body).lower()
        ):
            return MessageGone(reason)
        return DeliveryError(
            reason, permanent=True
        )  # 4xx: unknown channel, missing access, bad request

    async def already_posted(
        self,
        workspace: str,  # noqa: ARG002 - the Poster protocol; Discord has no workspaces
        channel: str,
        marker: str,
        since: datetime,
    ) -> str | None:
        """GET /channels/{id}/messages?after=<snowflake of since>, paging forward."""
        after = snowflake(since.astimezone(UTC))
        for _ in range(HISTORY_PAGES):
            route = self.routes[f"history:{channel}"]
            await route.take()
            async with self._http().get(
                f"{self.base}/channels/{channel}/messages",
                params={"after": str(after), "limit": str(HISTORY_PAGE_SIZE)},
            ) as response:
                self._follow_headers(route, response)
                if response.status >= HTTPStatus.MULTIPLE_CHOICES:
                    raise self._classify(route, response, await _json(response))
                messages: list[dict[str, Any]] = await response.json(content_type=None)
            for message in messages:
                if has_marker(message, marker):
                    return str(message["id"])
            if len(messages) < HISTORY_PAGE_SIZE:
                return None
            after = max(int(message["id"]) for message in messages)
        msg = f"more than {HISTORY_PAGES * 100} messages since the claim; cannot tell"
        raise DeliveryError(msg)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return data if isinstance(data, dict) else {}
