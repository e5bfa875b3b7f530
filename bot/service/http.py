"""The service's HTTP servers: /healthz, /readyz, /metrics, plus routes others mount.

Every serving mode (Slack Socket Mode or HTTP, Discord) starts the public one on HOST:PORT.
Slack's HTTP mode, OAuth pages and web pages add their routes through ``extra_routes``:
callables that receive the application before it starts. With OPS_PORT set, a second,
operator-only server on OPS_HOST:OPS_PORT answers /readyz with each failure's cause and
/metrics; the public one then keeps /healthz and a /readyz with generic reasons only (no
path, user, host or database name), for load balancers. Both accept connections through
``bot.service.listener`` (caps, timeouts, out-of-descriptors handling).
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.service.listener import DEFAULT_LIMITS, Limits, Listener
from bot.service.observe import Observer
from bot.service.readiness import Component, Readiness, check_all

log = logging.getLogger(__name__)
Mount = Callable[[web.Application], None]  # adds routes (and may add middlewares) to the app
OBSERVER_KEY = web.AppKey("observer", Observer)


def readiness_body(
    results: dict[str, Readiness], *, draining: bool, operator: bool
) -> tuple[dict[str, Any], int]:
    """/readyz's JSON and status; the causes of failures only for operators."""
    not_ready = [name for name, result in results.items() if not result.ready]
    if draining:
        not_ready.append("stopping")
    components = {}
    for name, r in results.items():
        shown: dict[str, Any] = {"ready": r.ready}
        if r.reason:
            shown["reason"] = r.reason
        if operator and r.cause:
            shown["cause"] = r.cause
        components[name] = {**shown, **r.detail}
    body = {"ready": not not_ready, "not_ready": not_ready, "components": components}
    return body, 200 if not not_ready else 503


def _add_probes(
    app: web.Application,
    components: Sequence[Component],
    observer: Observer,
    *,
    operator: bool,
    metrics: bool,
) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})  # answering at all proves the loop runs

    async def readyz(_request: web.Request) -> web.Response:
        results = await check_all(list(components))
        body, status = readiness_body(results, draining=observer.draining, operator=operator)
        return web.json_response(body, status=status)

    async def metrics_page(_request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(REGISTRY))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if metrics:
        app.router.add_get("/metrics", metrics_page)


def build_http_app(
    components: Sequence[Component],
    observer: Observer,
    extra_routes: Sequence[Mount] = (),
    *,
    metrics: bool = True,
) -> web.Application:
    """The public application: probes (readiness with generic reasons), /metrics unless an
    operator listener serves it (``metrics=False``), and whatever ``extra_routes`` mount.
    """
    app = web.Application()
    app[OBSERVER_KEY] = observer
    _add_probes(app, components, observer, operator=False, metrics=metrics)
    for mount in extra_routes:
        mount(app)
    return app


def build_ops_app(components: Sequence[Component], observer: Observer) -> web.Application:
    """The operator listener's application: /healthz, /readyz with causes, /metrics."""
    app = web.Application()
    app[OBSERVER_KEY] = observer
    _add_probes(app, components, observer, operator=True, metrics=True)
    return app


MAX_LINE_BYTES = 65_536  # aiohttp's default is 8 KB
LINGER_SECONDS = 1.0


class HttpServer:
    def __init__(
        self,
        app: web.Application,
        host: str,
        port: int,
        limits: Limits = DEFAULT_LIMITS,
        *,
        name: str = "public",
    ) -> None:
        self.app, self.host, self.requested_port = app, host, port
        self.limits, self.name = limits, name
        self._runner: web.AppRunner | None = None
        self._listener: Listener | None = None
        self.port: int | None = None

    @property
    def listener(self) -> Listener | None:
        return self._listener

    async def start(self) -> None:
        # Long request lines (a web search query in the address) are answered, not refused.
        # aiohttp's keep-alive timeout backs up the listener's own idle timeout; a body left
        # unread (a refused or timed-out request) is drained for LINGER_SECONDS at most before
        # the connection closes (aiohttp's default, 10 s, is a slow client's gift).
        self._runner = web.AppRunner(
            self.app,
            access_log=None,
            max_line_size=MAX_LINE_BYTES,
            keepalive_timeout=self.limits.idle_timeout,
            lingering_time=LINGER_SECONDS,
        )
        listener = Listener(
            self._server_protocol,
            self.host,
            self.requested_port,
            self.limits,
            name=self.name,
        )
        self.app.middlewares.insert(0, listener.middleware)  # outermost: sees every request
        await self._runner.setup()
        try:
            await listener.start()
        except BaseException:
            await self._runner.cleanup()
            self._runner = None
            raise
        self._listener = listener
        self.port = listener.port
        probes = [p for p in ("/healthz", "/readyz", "/metrics") if p in _paths(self.app)]
        log.info(
            "serving http://%s:%s (%s listener%s; at most %d connections, %s per client)",
            self.host,
            self.port,
            self.name,
            f": {', '.join(probes)}" if probes else "",
            listener.cap,
            self.limits.per_client or "no limit",
        )

    def _server_protocol(self) -> asyncio.Protocol:
        """A protocol of aiohttp for one more connection (its Server is the factory)."""
        assert self._runner is not None
        assert self._runner.server is not None
        return self._runner.server()

    async def stop(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _paths(app: web.Application) -> set[str]:
    return {resource.canonical for resource in app.router.resources()}
