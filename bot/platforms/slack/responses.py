"""Answers through Slack's response URLs, over one kept-alive HTTP session.

Bolt's ``respond`` opens a new HTTP session (and connection) for every answer; a page button
answers every press through the press's response URL, so that connection setup would be
most of a press's cost. Same message fields as ``respond``, and what slack_sdk's webhook
client sends them with (JSON, its User-Agent, a proxy from HTTPS_PROXY, one more try after
a connection error), without building a client and encoding the message on every press: a
page's body is encoded once (``encode``) and kept with the page. The URL comes from a
request whose signature (HTTP mode) or connection (Socket Mode) was verified.
"""

import json
import logging
from typing import Any

import aiohttp
from slack_sdk.proxy_env_variable_loader import load_http_proxy_from_env
from slack_sdk.web.internal_utils import get_user_agent

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
# A kept-alive connection the other end has closed fails at once: the answer goes again on
# a new one (slack_sdk's AsyncConnectionErrorRetryHandler retries these too).
_CONNECTION_ERRORS = (
    aiohttp.ServerDisconnectedError,
    aiohttp.ServerConnectionError,
    aiohttp.ClientOSError,
)


def encode(message: dict[str, Any]) -> bytes:
    """A response URL's body: the message's fields that are set, as JSON."""
    fields = {key: value for key, value in message.items() if value is not None}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


class ResponseUrls:
    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._headers = {
            "Content-Type": "application/json;charset=utf-8",
            "User-Agent": get_user_agent(),
        }
        self._proxy = load_http_proxy_from_env(log)

    async def send(self, url: str, **message: Any) -> None:  # noqa: ANN401 - respond()'s fields
        """POST ``message`` (text, blocks, response_type, replace_original) to ``url``."""
        await self.post(url, encode(message))

    async def post(self, url: str, body: bytes) -> None:
        """POST a message already encoded (``encode``) to ``url``."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        for retry in (False, True):
            try:
                async with self._session.post(
                    url, data=body, headers=self._headers, proxy=self._proxy
                ) as response:
                    await response.read()  # the connection goes back to the pool for the next
                    if response.status >= 400:  # noqa: PLR2004 - HTTP client and server errors
                        log.warning("a response URL refused the answer (HTTP %s)", response.status)
                    return
            except _CONNECTION_ERRORS:
                if retry:
                    raise

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
