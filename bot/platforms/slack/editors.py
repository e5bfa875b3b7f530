"""The editors' channel on Slack (``EDITORS_CHANNEL=slack:C...``): bot.intake's
``EditorsChannel``.

One attempt per call (no retry handlers: the intake retries on its next poll); each message
carries its marker in Slack's message metadata, so a post whose outcome is unknown is found
again (``conversations.history``, or ``conversations.replies`` for a thread reply). What the
item says is made inert (no mentions, no links, no formatting); the item's own link is the
one live link.
"""

from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.intake.editors import EditorsMessage, EditorsPostError
from bot.platforms.slack.poster import SLACK_PERMANENT, SLACK_UNKNOWN
from bot.renderers.safety import clip
from bot.renderers.slack import escape

METADATA_EVENT = "case_brief_intake"
HISTORY_PAGES = 50  # x 200 messages after the attempt
TEXT_LIMIT = 3500  # under Slack's 4,000 characters of text


def render(message: EditorsMessage) -> str:
    lines = [f"*{escape(clip(message.title, 300))}*"]
    lines += [escape(clip(line, 600)) for line in message.lines]
    if message.link:
        safe = quote(message.link, safe=":/?#[]@!$'()*+,;=%~&")
        lines.append(f"<{safe.replace('&', '&amp;')}>")
    return clip("\n".join(lines), TEXT_LIMIT)


class SlackEditors:
    platform = "slack"

    def __init__(self, token: str, api_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = api_url if api_url.endswith("/") else api_url + "/"
        self.token = token
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None

    @property
    def client(self) -> AsyncWebClient:
        if self._client is None or self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._client = AsyncWebClient(
                token=self.token,
                base_url=self.base_url,
                timeout=int(self.timeout),
                retry_handlers=[],
                session=self._session,
            )
        return self._client

    async def post(
        self, channel: str, message: EditorsMessage, marker: str, *, thread: str | None = None
    ) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=channel,
                text=render(message),
                thread_ts=thread,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"marker": marker}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            raise _classify(error) from None
        except (TimeoutError, aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise EditorsPostError(msg, unknown_outcome=True) from None
        except (aiohttp.ClientError, OSError) as error:
            msg = f"{type(error).__name__}: {error}"
            raise EditorsPostError(
                msg, unknown_outcome=not isinstance(error, aiohttp.ClientConnectorError)
            ) from None
        return str(response.get("ts"))

    async def find(
        self, channel: str, marker: str, since: datetime, *, thread: str | None = None
    ) -> str | None:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                if thread is None:
                    response = await self.client.conversations_history(
                        channel=channel,
                        oldest=f"{since.timestamp():.6f}",
                        limit=200,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
                else:
                    response = await self.client.conversations_replies(
                        channel=channel,
                        ts=thread,
                        oldest=f"{since.timestamp():.6f}",
                        limit=200,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
            except SlackApiError as error:
                raise _classify(error) from None
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                msg = f"cannot look in the channel: {type(error).__name__}"
                raise EditorsPostError(msg, unknown_outcome=True) from None
            messages: list[dict[str, Any]] = response.get("messages", [])
            for found in messages:
                metadata: dict[str, Any] = found.get("metadata") or {}
                payload: dict[str, Any] = metadata.get("event_payload") or {}
                if metadata.get("event_type") == METADATA_EVENT and payload.get("marker") == marker:
                    return str(found.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        msg = f"more than {HISTORY_PAGES * 200} messages since the attempt; cannot tell"
        raise EditorsPostError(msg, unknown_outcome=True)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._client = None


def _classify(error: SlackApiError) -> EditorsPostError:
    status = error.response.status_code
    reason = str(error.response.get("error", None) or f"HTTP {status}")
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        retry_after = float(error.response.headers.get("Retry-After", 1) or 1)
        return EditorsPostError(reason, retry_after=retry_after)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR or reason in SLACK_UNKNOWN:
        return EditorsPostError(reason, unknown_outcome=True)
    return EditorsPostError(reason, permanent=reason in SLACK_PERMANENT)
