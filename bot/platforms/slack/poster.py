"""Posting recaps to Slack: one paced attempt per call, errors sorted for the retry layer.

The Web API client has NO retry handlers: the recap service's single retry layer decides
(bot/recaps/delivery.py), so attempts and time stay bounded. Pacing keeps under Slack's
limits (about one message per second per channel, and a per-workspace rate we choose) so
429s are rare; a 429 holds only its own workspace's bucket.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

import aiohttp
from cachetools import LRUCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reply import Reply
from bot.recaps.pacing import Buckets
from bot.recaps.posting import DeliveryError, LeaseLost, MessageGone, always
from bot.renderers.slack import MAX_BLOCKS, render_slack
from bot.settings import Settings

log = logging.getLogger(__name__)
METADATA_EVENT = "case_brief_recap"
# Errors that retrying cannot fix: the subscription is paused and shown in /recap list.
SLACK_PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "invalid_auth",
        "account_inactive",
        "access_denied",
        "restricted_action",
        "no_permission",
        "not_authed",
        "team_access_not_granted",
        "ekm_access_denied",
        "token_revoked",
        "team_not_found",
        # chat.update: an edit the platform refuses (corrections pause for that channel)
        "cant_update_message",
        "edit_window_closed",
        "msg_too_long",
    }
)
# The message to edit or answer is gone: nothing to correct (issue 18).
SLACK_GONE = frozenset({"message_not_found", "thread_not_found"})
# chat.update is Tier 3 (about 50 a minute per workspace): edits have their own pacing.
SLACK_EDITS_PER_SECOND = 50 / 60
# Answered with HTTP 200 but Slack may or may not have posted.
SLACK_UNKNOWN = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
CLIENTS_KEPT = 1000  # Web API clients, one per workspace token
RENDERED_KEPT = 64  # rendered replies: a fan-out posts one Reply object to many channels
HISTORY_PAGES = 100  # x 200 messages: how far back "did it land?" looks after the claim time


class SlackPoster:
    platform = "slack"

    def __init__(
        self,
        token: str,
        api_url: str,
        *,
        workspace_rate: float = 20.0,
        channel_rate: float = 1.0,
        timeout: float = 10.0,
        concurrency: int = 50,
        token_for: Callable[[str], Awaitable[str | None]] | None = None,
        edit_rate: float = SLACK_EDITS_PER_SECOND,
    ) -> None:
        """``token_for(workspace)`` gives a workspace's bot token when the app is installed in
        many workspaces; without it every post uses ``token``.
        """
        self.base_url = api_url if api_url.endswith("/") else api_url + "/"
        self.timeout = timeout
        self.token = token
        self.token_for = token_for
        self._session: aiohttp.ClientSession | None = None  # one, shared: connections are reused
        # One client per workspace token (sharing the session); the least recently used go.
        self._clients: LRUCache[str, AsyncWebClient] = LRUCache(CLIENTS_KEPT)
        self._rendered: LRUCache[int, tuple[Reply, dict[str, Any]]] = LRUCache(RENDERED_KEPT)
        self.workspaces = Buckets(
            workspace_rate, burst=max(1.0, workspace_rate / 4)
        )  # a modest first burst
        self.channels = Buckets(
            channel_rate
        )  # Slack allows about one message per second per channel
        self.in_flight = asyncio.Semaphore(concurrency)
        self.edits = Buckets(edit_rate, burst=max(1.0, edit_rate / 4))  # chat.update, per workspace

    @classmethod
    def from_settings(
        cls, settings: Settings, *, token_for: Callable[[str], Awaitable[str | None]] | None = None
    ) -> "SlackPoster":
        """Single-workspace mode (SLACK_BOT_TOKEN), or ``token_for`` each installed workspace."""
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        return cls(
            token,
            settings.slack_api_url,
            token_for=token_for,
            workspace_rate=settings.recap_slack_workspace_rate,
            concurrency=settings.recap_concurrency,
        )

    @property
    def client(self) -> AsyncWebClient:
        """The client for ``token`` (single-workspace mode)."""
        return self._client(self.token)

    def _client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            if self._session is None or self._session.closed:
                # slack_sdk applies its own timeout only to sessions it makes: this one carries it.
                self._session = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=self.timeout)
                )
            client = self._clients[token] = AsyncWebClient(
                token=token,
                base_url=self.base_url,
                timeout=int(self.timeout),
                retry_handlers=[],
                session=self._session,
            )
        return client

    async def _client_for(self, workspace: str) -> AsyncWebClient:
        if self.token_for is None or not workspace:
            return self.client
        token = await self.token_for(workspace)
        if token is None:
            msg = "not installed in this workspace"
            raise DeliveryError(msg, permanent=True)
        return self._client(token)

    def _render(self, reply: Reply) -> dict[str, Any]:
        """A fan-out posts the same Reply object to many channels: render it once."""
        # Keyed by identity; the entry holds the reply, so no other object takes its id meanwhile.
        cached = self._rendered.get(id(reply))
        if cached is None:
            cached = self._rendered[id(reply)] = (reply, render_slack(reply))
        return cached[1]

    async def post(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        return await self._post_message(workspace, channel, reply, marker, still_ours, None)

    async def reply_in_thread(
        self,
        workspace: str,
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        """chat.postMessage with ``thread_ts``: a reply in the message's thread."""
        return await self._post_message(workspace, channel, reply, marker, still_ours, message_id)

    async def _post_message(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        marker: str,
        still_ours: Callable[[], bool],
        thread_ts: str | None,
    ) -> str:
        payload = self._render(reply)
        client = await self._client_for(workspace)
        await self.channels[channel].take()
        await self.workspaces[workspace].take()
        if not still_ours():
            raise LeaseLost
        thread: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        try:
            async with self.in_flight:
                response = await client.chat_postMessage(
                    channel=channel,
                    text=payload["text"],
                    blocks=payload["blocks"],
                    metadata={"event_type": METADATA_EVENT, "event_payload": {"slot": marker}},
                    unfurl_links=False,
                    unfurl_media=False,
                    **thread,
                )
            self.workspaces[workspace].speed_up()
            return str(response.get("ts") or "")
        except SlackApiError as error:
            raise self._classify(error, workspace) from None
        except (TimeoutError, aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError) as error:
            # The request went out; Slack may have posted it.
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(msg, unknown_outcome=True) from None
        except (aiohttp.ClientError, OSError) as error:  # refused or reset before an answer
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(
                msg,
                unknown_outcome=not isinstance(error, aiohttp.ClientConnectorError),
            ) from None

    def _classify(
        self, error: SlackApiError, workspace: str, buckets: Buckets | None = None
    ) -> DeliveryError:
        status = error.response.status_code
        reason = str(error.response.get("error", None) or f"HTTP {status}")
        if reason in SLACK_GONE:
            return MessageGone(reason)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = float(error.response.headers.get("Retry-After", 1) or 1)
            bucket = (buckets or self.workspaces)[workspace]
            # Slack's limits are per method and workspace: that bucket waits exactly Retry-After,
            # no other workspace does.
            bucket.hold(retry_after)
            bucket.slow_down(retry_after)
            return DeliveryError(reason, retry_after=retry_after, rate_limited=True, held=True)
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR or reason in SLACK_UNKNOWN:
            return DeliveryError(reason, unknown_outcome=True)
        return DeliveryError(reason, permanent=reason in SLACK_PERMANENT)

    async def already_posted(
        self, workspace: str, channel: str, marker: str, since: datetime
    ) -> str | None:
        """conversations.history from ``since`` on, every page, looking for the marker."""
        client = await self._client_for(workspace)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                response = await client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            except SlackApiError as error:
                raise self._classify(error, workspace) from None
            messages: list[dict[str, Any]] = response.get("messages", [])
            for message in messages:
                if _marker(message) == marker:
                    return str(message.get("ts") or "") or None
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        msg = f"more than {HISTORY_PAGES * 200} messages since the claim; cannot tell"
        raise DeliveryError(msg)

    # --- corrections in place (issue 18) ----------------------------------------------------
    async def edit(
        self,
        workspace: str,
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
        keep_buttons: bool = False,
    ) -> None:
        """chat.update of the message (Tier 3: paced per workspace, apart from posts).
        ``keep_buttons``: its actions blocks (page buttons) are read first and sent again,
        since chat.update replaces every block.
        """
        payload = self._render(reply)
        blocks: list[dict[str, Any]] = payload["blocks"]
        if keep_buttons:
            blocks = [*blocks, *_actions(await self._message(workspace, channel, message_id))]
            if len(blocks) > MAX_BLOCKS:  # never refused for its buttons: the text goes as is
                log.warning(
                    "correction of %s/%s: its buttons left out (blocks)", channel, message_id
                )
                blocks = payload["blocks"]
        client = await self._client_for(workspace)
        await self.edits[workspace].take()
        if not still_ours():
            raise LeaseLost
        try:
            async with self.in_flight:
                await client.chat_update(
                    channel=channel,
                    ts=message_id,
                    text=payload["text"],
                    blocks=blocks,
                    metadata={"event_type": METADATA_EVENT, "event_payload": {"slot": marker}},
                )
            self.edits[workspace].speed_up()
        except SlackApiError as error:
            raise self._classify(error, workspace, self.edits) from None
        except (TimeoutError, aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(msg, unknown_outcome=True) from None
        except (aiohttp.ClientError, OSError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise DeliveryError(
                msg, unknown_outcome=not isinstance(error, aiohttp.ClientConnectorError)
            ) from None

    async def edited(self, workspace: str, channel: str, message_id: str, marker: str) -> bool:
        """The message itself (conversations.history at its ts): whether it carries ``marker``."""
        return _marker(await self._message(workspace, channel, message_id)) == marker

    async def _message(self, workspace: str, channel: str, message_id: str) -> dict[str, Any]:
        """The message at ``message_id`` (conversations.history at its ts); MessageGone."""
        client = await self._client_for(workspace)
        try:
            response = await client.conversations_history(
                channel=channel,
                latest=message_id,
                oldest=message_id,
                inclusive=True,
                limit=1,
                include_all_metadata=True,
            )
        except SlackApiError as error:
            raise self._classify(error, workspace) from None
        listed: list[dict[str, Any]] = response.get("messages", [])
        found = [m for m in listed if m.get("ts") == message_id]
        if not found:
            msg = "message_not_found"
            raise MessageGone(msg)
        return found[0]

    async def replied(self, workspace: str, channel: str, message_id: str, marker: str) -> bool:
        """conversations.replies of the thread, every page: whether ``marker`` is there."""
        client = await self._client_for(workspace)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                response = await client.conversations_replies(
                    channel=channel,
                    ts=message_id,
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            except SlackApiError as error:
                if error.response.get("error") == "thread_not_found":
                    return False
                raise self._classify(error, workspace) from None
            messages: list[dict[str, Any]] = response.get("messages", [])
            if any(_marker(m) == marker and m.get("ts") != message_id for m in messages):
                return True
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return False
        msg = f"more than {HISTORY_PAGES * 200} replies in the thread; cannot tell"
        raise DeliveryError(msg)

    async def aclose(self) -> None:
        self._clients.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


def _marker(message: dict[str, Any]) -> str | None:
    metadata: dict[str, Any] = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    slot = (metadata.get("event_payload") or {}).get("slot")
    return str(slot) if slot is not None else None


def _actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A message's actions blocks (its buttons), as Slack gave them."""
    blocks = message.get("blocks")
    return [b for b in blocks or () if isinstance(b, dict) and b.get("type") == "actions"]
