"""A local stand-in for news sites and their feeds, started by tests on 127.0.0.1.

``feeds[path]`` is served as RSS 2.0 with an ETag and Last-Modified, answering 304 to a
conditional request that matches; ``pages[path]`` as (status, content type, body). Faults
are paths of their own: ``status[path]`` answers that HTTP status, ``slow`` never answers
in time, ``loops`` redirect to each other, ``huge`` streams 50 MB, ``raw[path]`` serves
bytes as given (malformed XML, HTML). Every request is recorded with its headers.
"""

import asyncio
import hashlib
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from tests.fakes.server import serve


@dataclass
class FeedItem:
    title: str
    link: str | None
    guid: str | None = None
    description: str = ""
    published: str = "Thu, 05 Mar 2026 14:00:00 GMT"


@dataclass
class Feed:
    items: list[FeedItem] = field(default_factory=list)
    title: str = "The Example Gazette"
    conditional: bool = True  # answers 304 when nothing changed


def rss(feed: Feed) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(feed.title)}</title><link>https://example.org/</link>",
        "<description>News</description>",
    ]
    for item in feed.items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title>")
        if item.link is not None:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        parts.append(f"<description>{escape(item.description)}</description>")
        parts.append(f"<pubDate>{item.published}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def article(headline: str, *paragraphs: str) -> bytes:
    """A news page: navigation and a footer around the article, as trafilatura meets them."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><title>"
        f"{escape(headline)}</title></head><body><nav><a href='/'>Home</a> <a href='/world'>World"
        f"</a></nav><article><h1>{escape(headline)}</h1>{body}</article>"
        "<footer>Copyright The Example Gazette. All rights reserved.</footer></body></html>"
    ).encode()


class FakeFeeds:
    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.status: dict[str, int] = {}
        self.raw: dict[str, tuple[str, bytes]] = {}
        self.slow: set[str] = set()
        self.delay: dict[str, float] = {}  # seconds before answering
        self.loops: set[str] = set()
        self.huge: set[str] = set()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.port = 0
        self.host = "127.0.0.1"

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    async def start(self, host: str = "127.0.0.1") -> "FakeFeeds":
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._get)
        self.host = host
        if host == "127.0.0.1":
            self._runner, self.port = await serve(app)
            return self
        self._runner = web.AppRunner(app, access_log=None)  # e.g. 0.0.0.0: every 127.x host
        await self._runner.setup()
        await web.TCPSite(self._runner, host, 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _get(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, dict(request.headers)))
        if path in self.delay:
            await asyncio.sleep(self.delay[path])
        if path in self.status:
            return web.Response(status=self.status[path], text="no")
        if path in self.slow:  # until the test ends
            await self._stopping.wait()
            return web.Response(status=503)
        if path in self.loops:
            return web.Response(status=302, headers={"Location": path + "-again"})
        if path.removesuffix("-again") in self.loops:
            return web.Response(status=302, headers={"Location": path.removesuffix("-again")})
        if path in self.huge:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            chunk = b"<!-- " + b"x" * 1_048_000 + b" -->"
            try:
                for _ in range(50):
                    await response.write(chunk)
            except (ConnectionError, RuntimeError):  # the client gave up, as it should
                pass
            return response
        if path in self.raw:
            kind, body = self.raw[path]
            return web.Response(body=body, headers={"Content-Type": kind})
        if path in self.feeds:
            return self._feed(request, self.feeds[path])
        if path in self.pages:
            status, kind, body = self.pages[path]
            return web.Response(status=status, body=body, headers={"Content-Type": kind})
        return web.Response(status=404, text="not found")

    def _feed(self, request: web.Request, feed: Feed) -> web.Response:
        body = rss(feed)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = formatdate(1772719200, usegmt=True)
        headers: dict[str, Any] = {
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": etag,
            "Last-Modified": modified,
        }
        if feed.conditional and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers)
