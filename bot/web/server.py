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
from bot.i18n.locales import DEFAULT, SUPPORTED, TRANSLATED
from bot.web.changes import HistorySource
from bot.web.links import PASSAGE_QUERY, TOPIC_QUERY, SiteLinks, lang_folder
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


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


def add_web_routes(
    app: web.Application,
    dispatcher: Dispatcher,
    *,
    public_url: str | None = None,
    history: HistorySource | None = None,
) -> WebPages:
    """Serve the brief (/), each report (/sources/<id>), search (/quote), what changed
    (/changes: the recorded versions ``history`` reads) and the stylesheet; the same pages
    in Spanish under /es/.

    Also renders the 404 page for any GET or HEAD that no route of ``app`` answers.
    ``public_url`` (PUBLIC_URL) gives the pages' Open Graph tags their absolute address.
    """
    pages = WebPages(dispatcher, public_url=public_url)
    versions = history or HistorySource(None)
    stylesheet = STYLESHEET.read_bytes()

    def links(lang: str, page: str = "") -> SiteLinks:
        """From an index (""), a report's page ("source") or a 404 ("anywhere")."""
        if page == "anywhere":
            return SiteLinks(root=f"/{lang_folder(lang)}", lang=lang)
        return SiteLinks(root="../" if page == "source" else "", lang=lang)

    # A page is rendered once per content version and day; that first render (tens of ms
    # on a large brief) runs in a worker thread so the event loop never waits on it.
    def index(lang: str) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            topic = pages.topic_named(request.query.get(TOPIC_QUERY))  # previewed in the head
            served = links(lang)
            known = await versions.current()  # "Corrected <date>" beside corrected claims
            page = pages.cached_index(served, topic, known)
            if page is None:
                page = await asyncio.to_thread(pages.index, served, topic, known)
            return _html(page)

        return handle

    def changes(lang: str) -> Handler:
        async def handle(_request: web.Request) -> web.Response:
            known = await versions.current()
            return _html(await asyncio.to_thread(pages.changes, links(lang), known))

        return handle

    def source(lang: str) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            source_id = request.match_info["source_id"]
            asked = request.query.get(PASSAGE_QUERY)  # previewed in the head; checked later
            served = links(lang, "source")
            page = pages.cached_source(source_id, served, asked)
            if page is None:
                page = await asyncio.to_thread(pages.source, source_id, served, asked)
            if page is None:
                raise web.HTTPNotFound
            return _html(page)

        return handle

    def search(lang: str) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            return _html(pages.search(request.query.get("q", ""), links(lang)))

        return handle

    async def css(_request: web.Request) -> web.Response:
        return web.Response(
            body=stylesheet, content_type="text/css", charset="utf-8", headers=SECURITY_HEADERS
        )

    async def to_folder(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(
            f"{request.path}/" + (f"?{request.query_string}" if request.query_string else "")
        )

    @web.middleware
    async def not_found_page(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            if request.method not in ("GET", "HEAD"):
                raise
            lang = next(
                (t for t in TRANSLATED if request.path.startswith(f"/{lang_folder(t)}")),
                DEFAULT,
            )
            return _html(pages.not_found(links(lang, "anywhere")), status=404)

    app[PAGES_KEY] = pages
    for lang in SUPPORTED:
        folder = f"/{lang_folder(lang)}"
        app.router.add_get(folder, index(lang))
        app.router.add_get(f"{folder}sources/{{source_id}}", source(lang))
        app.router.add_get(f"{folder}quote", search(lang))
        app.router.add_get(f"{folder}changes", changes(lang))
        if lang != DEFAULT:
            app.router.add_get(folder.rstrip("/"), to_folder)
    app.router.add_get("/static/web.css", css)
    app.middlewares.append(not_found_page)
    return pages


def build_web_app(
    dispatcher: Dispatcher,
    *,
    public_url: str | None = None,
    history: HistorySource | None = None,
) -> web.Application:
    """An application serving only the web pages (``python -m bot web``, tests, benchmarks)."""
    app = web.Application()
    add_web_routes(app, dispatcher, public_url=public_url, history=history)
    return app
