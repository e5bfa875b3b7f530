"""The Bolt app: each registry command becomes a Slack slash command.

The adapter is two conversions: Slack's command payload -> the core's typed line, and
the core's neutral Reply -> a Block Kit ack (renderers.slack).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.core.reply import Reply
from bot.renderers.slack import render_slack
from bot.settings import Settings

log = logging.getLogger(__name__)
ACK_WITHIN_SECONDS = 2.0
WORKING = "Working on it..."


def build_web_client(settings: Settings) -> AsyncWebClient:
    """Web API client that waits out HTTP 429 (Retry-After) and retries connection errors and 5xx."""
    assert settings.slack_bot_token is not None
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def command_line(name: str, payload: dict[str, Any]) -> str:
    """Slack sends the command and its text separately; the core wants one typed line."""
    return f"/{name} {payload.get('text') or ''}".strip()


class AdminCheck:
    """Workspace admins and owners (users.info), or IDs listed in SLACK_ADMIN_USER_IDS."""

    TTL_SECONDS = 300

    def __init__(self, settings: Settings) -> None:
        self.listed = set(settings.slack_admin_user_ids)
        self._cache: dict[str, tuple[float, bool]] = {}

    async def __call__(self, client: AsyncWebClient, user_id: str) -> bool:
        if user_id in self.listed:
            return True
        cached = self._cache.get(user_id)
        if cached and time.monotonic() - cached[0] < self.TTL_SECONDS:
            return cached[1]
        try:
            user = (await client.users_info(user=user_id))["user"]
        except SlackApiError as error:
            log.warning("users.info failed for an admin check (HTTP %s); treating as not an admin",
                        error.response.status_code)
            return False
        is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[user_id] = (time.monotonic(), is_admin)
        return is_admin


def build_slack_app(settings: Settings, dispatcher: Dispatcher) -> AsyncApp:
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = AsyncApp(
        client=build_web_client(settings),
        signing_secret=secret,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("slack_bolt"),
    )
    admin_check = AdminCheck(settings)
    for command in dispatcher.registry:
        app.command(f"/{command.name}")(
            _handler(command.name, dispatcher, admin_check if command.needs_admin else None, slow=command.slow))
    return app


def _handler(name: str, dispatcher: Dispatcher, admin_check: AdminCheck | None,
             *, slow: bool = False) -> Callable[..., Awaitable[None]]:
    async def on_command(ack: Any, respond: Any, command: dict[str, Any], client: AsyncWebClient) -> None:
        user_id = str(command.get("user_id", ""))
        is_admin = await admin_check(client, user_id) if admin_check else False
        user = User(id=user_id, name=str(command.get("user_name", "")), is_admin=is_admin)

        def run() -> Reply:
            return dispatcher.run_line(command_line(name, command), platform="slack",
                                       channel=command.get("channel_id"), user=user,
                                       workspace=str(command.get("team_id") or ""))

        if not slow:  # sub-millisecond: answer in the ack itself
            await ack(**render_slack(run()))
            return
        # Slack wants the ack within 3 s: acknowledge first if the work is not done by then,
        # and deliver the reply through the response URL.
        work = asyncio.ensure_future(asyncio.to_thread(run))
        done, _ = await asyncio.wait({work}, timeout=ACK_WITHIN_SECONDS)
        if done:
            await ack(**render_slack(work.result()))
            return
        await ack(response_type="ephemeral", text=WORKING)
        await respond(**render_slack(await work))

    on_command.__name__ = f"slack_{name}"
    return on_command
