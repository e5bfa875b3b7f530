"""The Bolt app: each registry command becomes a Slack slash command.

The adapter is two conversions: Slack's command payload -> the core's typed line, and
the core's neutral Reply -> a Block Kit ack (renderers.slack).
"""

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.renderers.slack import render_slack
from bot.settings import Settings

log = logging.getLogger(__name__)


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


def build_slack_app(settings: Settings, dispatcher: Dispatcher) -> AsyncApp:
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = AsyncApp(
        client=build_web_client(settings),
        signing_secret=secret,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=secret is not None,
        logger=logging.getLogger("slack_bolt"),
    )
    for command in dispatcher.registry:
        app.command(f"/{command.name}")(_handler(command.name, dispatcher))
    return app


def _handler(name: str, dispatcher: Dispatcher):  # type: ignore[no-untyped-def]
    async def on_command(ack: Any, command: dict[str, Any]) -> None:
        user = User(id=str(command.get("user_id", "")), name=str(command.get("user_name", "")))
        reply = dispatcher.run_line(
            command_line(name, command), platform="slack",
            channel=command.get("channel_id"), user=user,
        )
        await ack(**render_slack(reply))

    on_command.__name__ = f"slack_{name}"
    return on_command
