"""The service's one HTTP server: /healthz, /readyz, /metrics, plus routes others mount.

Every serving mode (Slack Socket Mode or HTTP, Discord) starts it on HOST:PORT. Slack's
HTTP mode, OAuth pages and web pages add their routes through ``extra_routes``: callables
that receive the application before it starts.
"""

import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.service.observe import Observer
from bot.service.readiness import Component, check_all

log = logging.getLogger(__name__)
Mount = Callable[[web.Application], None]  # adds routes (and may add middlewares) to the app
OBSERVER_KEY = web.AppKey("observer", Observer)


def build_http_app(
    components: Sequence[Component], observer: Observer, extra_routes: Sequence[Mount] = ()
) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})  # answering at all proves the loop runs

    async def readyz(_request: web.Request) -> web.Response:
        results = await check_all(list(components))
        not_ready = [name for name, result in results.items() if not result.ready]
        if observer.draining:
            not_ready.append("stopping")
        body = {
            "ready": not not_ready,
            "not_ready": not_ready,
            "components": {
                name: {"ready": r.ready, **({"reason": r.reason} if r.reason else {}), **r.detail}
                for name, r in results.items()
            },
        }
        return web.json_response(body, status=200 if not not_ready else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(REGISTRY))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app = web.Application()
    app[OBSERVER_KEY] = observer
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    for mount in extra_routes:
        mount(app)
    return app


MAX_LINE_BYTES = 65_536  # aiohttp's default is 8 KB


class HttpServer:
    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app, self.host, self.requested_port = app, host, port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        # Long request lines (a web search query in the address) are answered, not refused.
        self._runner = web.AppRunner(self.app, access_log=None, max_line_size=MAX_LINE_BYTES)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.requested_port).start()
        self.port = int(self._runner.addresses[0][1])  # the real port when PORT=0
        log.info("serving http://%s:%s (/healthz, /readyz, /metrics)", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
