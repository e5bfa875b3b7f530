"""``python -m bot recap list|preview|post-due``: recaps from the command line.

``post-due --at`` posts everything due at that instant and exits, for deployments that
drive recaps from cron or another scheduler instead of the long-running bot.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timezone

from discord.http import HTTPClient, Route

from bot.core.dispatch import Dispatcher
from bot.recaps.compose import compose
from bot.recaps.posters import DiscordPoster, SlackPoster
from bot.recaps.schedule import Schedule
from bot.recaps.service import RecapService
from bot.renderers.text import render_text
from bot.settings import Settings


def parse_instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-03-10T14:00:00Z or 2026-03-10T09:00-05:00")
    return moment.astimezone(timezone.utc)


def list_all(service: RecapService) -> str:
    rows = service.listing()
    if not rows:
        return "No recap subscriptions."
    lines = []
    for sub, upcoming, last in rows:
        schedule = Schedule(sub.frequency, sub.time, sub.timezone).describe()
        status = f"PAUSED ({sub.paused_reason})" if sub.paused_reason else f"next {upcoming:%Y-%m-%d %H:%MZ}"
        last_text = f"last {last.status} {last.slot:%Y-%m-%d %H:%MZ}" if last else "never posted"
        lines.append(f"#{sub.id} {sub.address} [{sub.origin}] {schedule}; {status}; {last_text}")
    return "\n".join(lines)


def preview(service: RecapService, dispatcher: Dispatcher, address: str) -> str:
    platform, _, channel = address.partition(":")
    reply, _ = compose(dispatcher.store.current, service.store.told(platform, channel), service.clock())
    return render_text(reply)


@contextlib.asynccontextmanager
async def posters(settings: Settings, service: RecapService) -> AsyncIterator[None]:
    """Log in to each configured platform's REST API just for posting."""
    http: HTTPClient | None = None
    if settings.slack_configured:
        from bot.platforms.slack.app import build_web_client

        service.posters["slack"] = SlackPoster(build_web_client(settings))
    if settings.discord_configured:
        assert settings.discord_token is not None
        Route.BASE = settings.discord_api_url.rstrip("/")
        http = HTTPClient(asyncio.get_running_loop())
        await http.static_login(settings.discord_token.get_secret_value())
        service.posters["discord"] = DiscordPoster(http)
    try:
        yield
    finally:
        if http is not None:
            await http.close()


async def post_due(settings: Settings, service: RecapService, at: datetime | None) -> str:
    async with posters(settings, service):
        if not service.posters:
            return "No platform configured: set SLACK_BOT_TOKEN or DISCORD_TOKEN."
        report = await service.post_due(at)
    return report.summary()

