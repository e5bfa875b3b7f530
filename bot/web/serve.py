"""``python -m bot web``: the web pages on HOST:PORT on their own, no chat credentials needed.

Content is reloaded every CONTENT_RELOAD_SECONDS as in chat; a broken edit keeps the last
good pages. Ctrl-C or SIGTERM stops cleanly.
"""

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from bot.web.server import HANDLER_ARGS, build_web_app

log = logging.getLogger(__name__)


async def _reload_content(dispatcher: Dispatcher, every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        await asyncio.to_thread(dispatcher.store.reload_if_changed)


async def serve_web_until(settings: Settings, dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    runner = web.AppRunner(build_web_app(dispatcher), access_log=None, **HANDLER_ARGS)
    await runner.setup()
    watcher = None
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        for address in runner.addresses:
            host, port = address[0], address[1]
            log.info(
                "serving the brief on http://%s:%s/", f"[{host}]" if ":" in host else host, port
            )
        if settings.content_reload_seconds > 0:
            watcher = asyncio.create_task(
                _reload_content(dispatcher, settings.content_reload_seconds)
            )
        await stop.wait()
    finally:
        log.info("stopping")
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await runner.cleanup()


def serve_web(settings: Settings, dispatcher: Dispatcher) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_web_until(settings, dispatcher, stop)

    try:
        asyncio.run(main())
    except OSError as error:  # the port is taken or the host cannot be bound
        log.error(
            "cannot serve the web pages on %s:%s: %s", settings.host, settings.port, error.strerror
        )
        return 2
    return 0
