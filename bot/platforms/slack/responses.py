"""Answers through Slack's response URLs, over one kept-alive HTTP session.

Bolt's ``respond`` opens a new HTTP session (and connection) for every answer; a page button
answers every press through the press's response URL, so that connection setup would be
most of a press's cost. Same message fields as ``respond``; the URL comes from a request
whose signature (HTTP mode) or connection (Socket Mode) was verified.
"""

import logging
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


class ResponseUrls:
    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def send(self, url: str, **message: Any) -> None:  # noqa: ANN401 - respond()'s fields
        """POST ``message`` (text, blocks, response_type, replace_original) to ``url``."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        client = AsyncWebhookClient(url=url, session=self._session, timeout=int(self.timeout))
        fields = {key: value for key, value in message.items() if value is not None}
        response = await client.send_dict(fields)
        if response.status_code >= 400:  # noqa: PLR2004 - HTTP client and server errors
            log.warning("a response URL refused the answer (HTTP %s)", response.status_code)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
