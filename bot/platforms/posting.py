"""``python -m bot recap post-due``: each configured platform's REST poster, just for posting.

Platform code: bot.recaps keeps the delivery logic and imports no chat library.
"""

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import datetime

from bot.platforms.slack.poster import SlackPoster
from bot.recaps import report as recap_report
from bot.recaps.posting import Poster
from bot.recaps.service import RecapService
from bot.settings import Settings


@contextlib.asynccontextmanager
async def posters(settings: Settings, service: RecapService) -> AsyncIterator[None]:
    """The service with each configured platform's poster attached, closed afterwards."""
    chosen: dict[str, Poster] = {}
    if settings.slack_bot_token is not None:  # OAuth installs post from the running bot only
        chosen["slack"] = SlackPoster.from_settings(settings)
    if settings.discord_configured:
        from bot.platforms.discord.poster import (  # noqa: PLC0415 - configured only: discord.py
            DiscordPoster,  # takes a third of a second to import
        )

        chosen["discord"] = DiscordPoster.from_settings(settings)
    service.attach(posters=chosen)  # a one-off run: no metrics endpoint to count for
    try:
        yield
    finally:
        await service.aclose()


async def post_due(settings: Settings, service: RecapService, at: datetime | None) -> str:
    """SIGTERM (a cron timeout, systemd, Ctrl-C): no new claims; posts in flight finish,
    claims never attempted are given back for the next run; exit 0.
    """
    loop = asyncio.get_running_loop()

    def stop() -> None:
        service.stopping = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    try:
        async with posters(settings, service):
            summary = await recap_report.post_due(service, at)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return f"{summary} (stopped early by a signal)" if service.stopping else summary
