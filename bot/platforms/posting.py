"""``python -m bot recap post-due``: each configured platform's REST poster, just for posting.

Platform code: bot.recaps keeps the delivery logic and imports no chat library.
"""

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from bot.content.store import Content
from bot.platforms.slack.poster import SlackPoster
from bot.recaps import report as recap_report
from bot.recaps.posting import Poster
from bot.recaps.service import RecapService
from bot.settings import Settings
from bot.updates.corrections import Corrections


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


async def post_due(
    settings: Settings,
    service: RecapService,
    at: datetime | None,
    content: Callable[[], Content | None] = lambda: None,
) -> str:
    """Recaps due, then corrections in place still to make (issue 18: cron deployments).

    SIGTERM (a cron timeout, systemd, Ctrl-C): no new claims; posts in flight finish,
    claims never attempted are given back for the next run, no correction is started; exit 0.
    """
    loop = asyncio.get_running_loop()

    def stop() -> None:
        service.stopping = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    try:
        async with posters(settings, service):
            summary = await recap_report.post_due(service, at)
            if service.stopping:
                return f"{summary} (stopped early by a signal)"
            if not service.posters:
                return summary
            corrections = Corrections(
                service,
                service.ready,
                max_age=timedelta(days=settings.corrections_max_age_days),
                content=content,
            )
            report = await corrections.run_once()
            return f"{summary}\ncorrections: {report.summary()}"
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
