"""``python -m bot web``: the web pages on HOST:PORT on their own, no chat credentials needed.

Content is reloaded every CONTENT_RELOAD_SECONDS as in chat; a broken edit keeps the last
good pages. Ctrl-C or SIGTERM stops cleanly.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from bot.core.dispatch import Dispatcher
from bot.storage.base import RecapStore
from bot.web.changes import DatabaseVersions, HistorySource
from bot.web.server import HANDLER_ARGS, build_web_app

log = logging.getLogger(__name__)


class Server(Protocol):
    """A server for the pages' application (``bot.service.http.HttpServer``: connections
    bounded), given by the command line; without one, aiohttp's own.
    """

    port: int | None

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


ServerFor = Callable[[web.Application], Server]


async def _reload_content(dispatcher: Dispatcher, every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        await asyncio.to_thread(dispatcher.store.reload_if_changed)


async def serve_web_until(
    dispatcher: Dispatcher,
    stop: asyncio.Event,
    *,
    host: str,
    port: int,
    reload_seconds: float,
    server_for: ServerFor | None = None,
    public_url: str | None = None,
    history: HistorySource | None = None,
) -> None:
    """Serve on host:port until ``stop`` is set; reload content every ``reload_seconds`` (0:
    never). ``server_for`` makes the server (HOST and PORT are its own). ``history``: the
    recorded versions, for /changes and "Corrected <date>".
    """
    app = build_web_app(dispatcher, public_url=public_url, history=history)
    if server_for is not None:
        server = server_for(app)
        await server.start()
        try:
            log.info("serving the brief on http://%s:%s/", host, server.port)
            await _serve(dispatcher, stop, reload_seconds)
        finally:
            await server.stop()
        return
    runner = web.AppRunner(app, access_log=None, **HANDLER_ARGS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        for address in runner.addresses:
            bound, bound_port = address[0], address[1]
            log.info(
                "serving the brief on http://%s:%s/",
                f"[{bound}]" if ":" in bound else bound,
                bound_port,
            )
        await _serve(dispatcher, stop, reload_seconds)
    finally:
        await runner.cleanup()


async def _serve(dispatcher: Dispatcher, stop: asyncio.Event, reload_seconds: float) -> None:
    watcher = None
    try:
        if reload_seconds > 0:
            watcher = asyncio.create_task(_reload_content(dispatcher, reload_seconds))
        await stop.wait()
    finally:
        log.info("stopping")
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def serve_web(
    dispatcher: Dispatcher,
    *,
    host: str,
    port: int,
    reload_seconds: float,
    server_for: ServerFor | None = None,
    public_url: str | None = None,
    database: Callable[[], Awaitable[RecapStore | None]] | None = None,
) -> int:
    """``database`` opens the one holding the recorded versions (None while there is none)."""

    async def main() -> None:
        versions = DatabaseVersions(database) if database is not None else None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_web_until(
            dispatcher,
            stop,
            host=host,
            port=port,
            reload_seconds=reload_seconds,
            server_for=server_for,
            public_url=public_url,
            history=(
                HistorySource(versions, skipped=versions.skipped) if versions is not None else None
            ),
        )
        if versions is not None:
            await versions.aclose()

    try:
        asyncio.run(main())
    except OSError as error:  # the port is taken or the host cannot be bound
        log.error("cannot serve the web pages on %s:%s: %s", host, port, error.strerror)
        return 2
    return 0
