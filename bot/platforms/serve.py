"""``python -m bot run`` with chat credentials: every configured platform in one process.

Ctrl-C or SIGTERM stops them all cleanly. Edited content is reloaded in the background;
a broken edit is logged and the last good content keeps serving.
"""

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Protocol

from bot.core.dispatch import Dispatcher
from bot.platforms.errors import StartError
from bot.settings import Settings

log = logging.getLogger(__name__)


class Runner(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def build_runners(settings: Settings, dispatcher: Dispatcher) -> list[Runner]:
    runners: list[Runner] = []
    if settings.slack_configured:
        from bot.platforms.slack.runner import SlackRunner

        runners.append(SlackRunner(settings, dispatcher))
    if settings.discord_configured:
        from bot.platforms.discord.runner import DiscordRunner

        runners.append(DiscordRunner(settings, dispatcher))
    recaps = dispatcher.services.get("recaps")
    if recaps is not None and runners:  # after the platforms, which register their posters
        from bot.recaps.runner import RecapRunner

        runners.append(RecapRunner(recaps))
    return runners


async def watch_content(dispatcher: Dispatcher, every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        await asyncio.to_thread(dispatcher.store.reload_if_changed)


async def serve_until_stopped(settings: Settings, dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    runners = build_runners(settings, dispatcher)
    started: list[Runner] = []
    watcher = None
    try:
        for runner in runners:
            await runner.start()
            started.append(runner)
        if settings.content_reload_seconds > 0:
            watcher = asyncio.create_task(watch_content(dispatcher, settings.content_reload_seconds))
        await stop.wait()
    finally:
        log.info("stopping")
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        for runner in reversed(started):
            try:
                await runner.stop()
            except Exception:
                log.exception("error while stopping %s", type(runner).__name__)


def serve(settings: Settings, dispatcher: Dispatcher) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_until_stopped(settings, dispatcher, stop)

    try:
        asyncio.run(main())
    except StartError as error:
        print(error, file=sys.stderr)
        return 2
    return 0
