"""Debian's chromium driven by Playwright, and the web pages served from a thread for it.

Playwright's sync API runs outside any asyncio loop, so the aiohttp server gets a loop of
its own in a background thread. The browser is never downloaded (no ``playwright install``).
"""

import asyncio
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import pytest
from aiohttp import web

from bot.core.dispatch import Dispatcher
from bot.web.changes import HistorySource
from bot.web.server import HANDLER_ARGS, build_web_app

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    """In CI a missing browser is a failure; elsewhere the browser tests are skipped, saying why."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: .ci/run installs Debian's chromium)")
    pytest.skip(f"{reason}; install it with `apt-get install chromium` to run the browser tests")


@contextmanager
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"no browser at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ServerThread:
    """The web pages on 127.0.0.1 (a free port), served by aiohttp on its own loop."""

    def __init__(self, dispatcher: Dispatcher, history: HistorySource | None = None) -> None:
        self.dispatcher = dispatcher
        self.history = history
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="web-server", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = build_web_app(self.dispatcher, history=self.history)
        runner = web.AppRunner(app, access_log=None, **HANDLER_ARGS)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def __enter__(self) -> Self:
        self._thread.start()
        if not self._ready.wait(30):
            msg = "the web server did not start"
            raise RuntimeError(msg)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
