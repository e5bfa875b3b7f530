"""Slack unfurls of links to the published brief: ``link_shared`` -> ``chat.unfurl``.

When someone posts a link under PUBLIC_URL (the manifest's ``unfurl_domains``), Slack tells
the bot, which attaches the topic's or passage's text with its citation (bot/web/previews.py,
drawn by the Block Kit renderer). Links elsewhere are left to Slack. A failed unfurl is
logged as one line; nothing else depends on it.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.renderers.slack import render_blocks
from bot.web.previews import Previews

log = logging.getLogger(__name__)
MAX_LINKS = 5  # previews attached to one message
MAX_BLOCKS = 12  # blocks in one preview


def unfurls_for(previews: Previews, public_url: str, urls: list[str]) -> dict[str, Any]:
    """``chat.unfurl``'s ``unfurls``: each address under ``public_url`` -> its blocks."""
    found: dict[str, Any] = {}
    for url in urls[:MAX_LINKS]:
        preview = previews.for_address(url, public_url)
        if preview is not None:
            found[url] = {"blocks": render_blocks(preview.reply)[:MAX_BLOCKS]}
    return found


def unfurl_handler(previews: Previews, public_url: str) -> Callable[..., Awaitable[None]]:
    async def on_link_shared(event: dict[str, Any], client: AsyncWebClient) -> None:
        urls = [
            str(link.get("url"))
            for link in event.get("links") or []
            if isinstance(link, dict) and link.get("url")
        ]
        # The first preview of a topic or passage after a reload builds the brief: off the loop.
        unfurls = await asyncio.to_thread(unfurls_for, previews, public_url, urls)
        if not unfurls:
            return
        where: dict[str, str] = (
            {"unfurl_id": str(event["unfurl_id"]), "source": str(event["source"])}
            if event.get("unfurl_id") and event.get("source")
            else {"channel": str(event.get("channel")), "ts": str(event.get("message_ts"))}
        )
        try:
            await client.chat_unfurl(unfurls=unfurls, **where)  # type: ignore[arg-type]
        except SlackApiError as error:
            log.warning("chat.unfurl failed (%s)", error.response.get("error"))

    return on_link_shared
