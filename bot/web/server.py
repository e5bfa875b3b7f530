"""The web pages as aiohttp routes, mountable on any ``aiohttp.web.Application``.

The bot's shared HTTP server (the one serving /healthz) calls ``add_web_routes``; so does
``python -m bot web`` on its own. Every response carries a Content-Security-Policy that
allows no script and no inline style.
"""

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.core.dispatch import Dispatcher
from bot.web.links import PASSAGE_QUERY, TOPIC_QUERY, SiteLinks
from bot.web.pages import CSP_HEADER, STYLESHEET, WebPages

PAGES_KEY = web.AppKey("web_pages", WebPages)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP_HEADER,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",  # edited content shows on the next request
}
# aiohttp refuses request lines over 8 KB; a long query in the address would then get a bare
# 400. With room for 64 KB, any query a browser's form sends is answered (cut to /quote's
# limit). Pass these to the AppRunner that serves the pages: AppRunner(app, **HANDLER_ARGS).
HANDLER_ARGS: dict[str, Any] = {"max_line_size": 65_536}
SERVED = SiteLinks()
SOURCE_PAGE = SiteLinks(root="../")
ANYWHERE = SiteLinks(root="/")  # a 404 may sit at any depth, so it links from the root


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


def add_web_routes(
    app: web.Application, dispatcher: Dispatcher, *, public_url: str | None = None
) -> WebPages:
    """Serve the brief (/), each report (/sources/<id>), search (/quote) and the stylesheet.

    Also renders the 404 page for any GET or HEAD that no route of ``app`` answers.
    ``public_url`` (PUBLIC_URL) gives the pages' Open Graph tags their absolute address.
    """
    pages = WebPages(dispatcher, public_url=public_url)
    stylesheet = STYLESHEET.read_bytes()

    # A page is rendered once per content version and day; that first render (tens of ms
    # on a large brief) runs in a worker thread so the event loop never waits on it.
    async def index(request: web.Request) -> web.Response:
        topic = pages.topic_named(request.query.get(TOPIC_QUERY))  # previewed in the head
        page = pages.cached_index(SERVED, topic)
        if page is None:
            page = await asyncio.to_thread(pages.index, SERVED, topic)
        return _html(page)

    async def source(request: web.Request) -> web.Response:
        source_id = request.match_info["source_id"]
        asked = request.query.get(PASSAGE_QUERY)  # previewed in the head; checked when rendered
        page = pages.cached_source(source_id, SOURCE_PAGE, asked)
        if page is None:
            page = await asyncio.to_thread(pages.source, source_id, SOURCE_PAGE, asked)
        if page is None:
            raise web.HTTPNotFound
        return _html(page)

    async def search(request: web.Request) -> web.Response:
        return _html(pages.search(request.query.get("q", ""), SERVED))

    async def css(_request: web.Request) -> web.Response:
        return web.Response(
            body=stylesheet, content_type="text/css", charset="utf-8", headers=SECURITY_HEADERS
        )

    @web.middleware
    async def not_found_page(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            if request.method not in ("GET", "HEAD"):
                raise
            return _html(pages.not_found(ANYWHERE), status=404)

    app[PAGES_KEY] = pages
    app.router.add_get("/", index)
    app.router.add_get("/sources/{source_id}", source)
    app.router.add_get("/quote", search)
    app.router.add_get("/static/web.css", css)
    app.middlewares.append(not_found_page)
    return pages


def build_web_app(dispatcher: Dispatcher, *, public_url: str | None = None) -> web.Application:
    """An application serving only the web pages (``python -m bot web``, tests, benchmarks)."""
    app = web.Application()
    add_web_routes(app, dispatcher, public_url=public_url)
    return app
