"""Posting a recap to a channel, per platform, with errors sorted into retry or give up.

Each post carries a marker naming its slot, so after a crash a claimed-but-unconfirmed
slot can be checked against the channel instead of being posted twice: Slack keeps it in
message metadata, Discord in the embed footer (and as the message nonce).
"""

import asyncio
from typing import Any, Protocol

import aiohttp
import discord
from discord.http import HTTPClient, Route
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reply import Reply
from bot.renderers.discord import render_discord
from bot.renderers.slack import render_slack

METADATA_EVENT = "case_brief_recap"
# Slack errors that retrying cannot fix: the subscription is paused and shown in /recap list.
SLACK_PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "invalid_auth",
    "account_inactive", "access_denied", "restricted_action", "no_permission", "not_authed",
    "team_access_not_granted", "ekm_access_denied", "token_revoked",
})


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class Poster(Protocol):
    platform: str

    async def post(self, channel: str, reply: Reply, marker: str) -> None: ...

    async def already_posted(self, channel: str, marker: str) -> bool: ...


class SlackPoster:
    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client  # its retry handlers already wait out 429 and retry 5xx

    async def post(self, channel: str, reply: Reply, marker: str) -> None:
        payload = render_slack(reply)
        try:
            await self.client.chat_postMessage(
                channel=channel, text=payload["text"], blocks=payload["blocks"],
                metadata={"event_type": METADATA_EVENT, "event_payload": {"slot": marker}},
                unfurl_links=False, unfurl_media=False)
        except SlackApiError as error:
            reason = str(error.response.get("error", "unknown_error"))
            retry_after = error.response.headers.get("Retry-After") if error.response.status_code == 429 else None
            raise DeliveryError(reason, permanent=reason in SLACK_PERMANENT,
                                retry_after=float(retry_after) if retry_after else None) from None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}", permanent=False) from None

    async def already_posted(self, channel: str, marker: str) -> bool:
        response = await self.client.conversations_history(channel=channel, limit=50, include_all_metadata=True)
        messages: list[dict[str, Any]] = response.get("messages", [])
        return any(_slack_marker(message) == marker for message in messages)


def _slack_marker(message: dict[str, Any]) -> str | None:
    metadata: dict[str, Any] = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    slot = (metadata.get("event_payload") or {}).get("slot")
    return str(slot) if slot is not None else None


class DiscordPoster:
    platform = "discord"

    def __init__(self, http: HTTPClient) -> None:
        self.http = http  # discord.py waits out 429 and retries 5xx itself

    async def post(self, channel: str, reply: Reply, marker: str) -> None:
        payload = render_discord(reply)
        footer = payload["embeds"][-1].setdefault("footer", {"text": ""})
        footer["text"] = (footer["text"] + f" \u00b7 ref {marker}")[-2048:]
        payload.update(flags=0, nonce=marker[:25], enforce_nonce=True)
        try:
            await self.http.request(Route("POST", "/channels/{channel_id}/messages", channel_id=channel), json=payload)
        except (discord.NotFound, discord.Forbidden) as error:
            raise DeliveryError(f"{error.status} {error.text or type(error).__name__}", permanent=True) from None
        except discord.HTTPException as error:
            retry_after = error.response.headers.get("Retry-After") if error.status == 429 else None
            raise DeliveryError(f"{error.status} {error.text}", permanent=error.status < 500 and error.status != 429,
                                retry_after=float(retry_after) if retry_after else None) from None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}", permanent=False) from None

    async def already_posted(self, channel: str, marker: str) -> bool:
        route = Route("GET", "/channels/{channel_id}/messages", channel_id=channel)
        messages: list[dict[str, Any]] = await self.http.request(route, params={"limit": 50})
        return any(f"ref {marker}" in (embed.get("footer") or {}).get("text", "")
                   for message in messages for embed in message.get("embeds", []))
