"""Serving the web pages for real on 127.0.0.1, as the shared HTTP server mounts them."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from bot.core.dispatch import Dispatcher
from bot.web.server import HANDLER_ARGS, add_web_routes


@dataclass
class Served:
    url: str
    session: aiohttp.ClientSession

    async def get(
        self, path: str, **kwargs: object
    ) -> tuple[int, str, "aiohttp.typedefs.LooseHeaders"]:
        async with self.session.get(self.url + path, allow_redirects=False, **kwargs) as response:  # type: ignore[arg-type]
            return response.status, await response.text(), response.headers


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, **HANDLER_ARGS)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


def shared_app(dispatcher: Dispatcher) -> web.Application:
    """An app like the bot's shared server: its own routes first, then the web pages."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def events(request: web.Request) -> web.Response:
        return web.Response(text="event")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/slack/events", events)
    add_web_routes(app, dispatcher)
    return app


@pytest.fixture
async def served(dispatcher: Dispatcher) -> AsyncIterator[Served]:
    runner, url = await serve(shared_app(dispatcher))
    async with aiohttp.ClientSession() as session:
        yield Served(url, session)
    await runner.cleanup()


HREF = re.compile(r'href="([^"]*)"')


def hrefs(html: str) -> list[str]:
    return HREF.findall(html)
