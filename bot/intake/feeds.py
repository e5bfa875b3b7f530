"""RSS and Atom feeds: one conditional GET (ETag, Last-Modified), parsed by feedparser off
the event loop, into the items the intake reads.
"""

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any

import feedparser

from bot.intake.fetching import Fetcher, FetchError

MAX_FEED_BYTES = 10_000_000
MAX_ITEMS = 500  # per feed and poll: the newest first, as feeds list them
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/x-rss+xml",
        "text/rss+xml",
        "text/plain",
        "application/octet-stream",
        "",
    }
)


class FeedError(FetchError):
    """The feed answered, but not with a feed (HTML, malformed XML)."""


@dataclass(frozen=True, slots=True)
class Item:
    feed: str
    title: str
    link: str | None
    guid: str | None
    published: str  # as the item states it
    summary: str
    outlet: str  # the feed's own title


@dataclass(frozen=True, slots=True)
class Polled:
    changed: bool  # False: 304 Not Modified
    items: tuple[Item, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    duplicates: int = 0  # items whose GUID an earlier item of the same answer had


async def poll_feed(
    fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None
) -> Polled:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    answer = await fetcher.get(url, headers=headers, max_bytes=MAX_FEED_BYTES)
    if answer.status == 304:  # noqa: PLR2004
        return Polled(changed=False, etag=etag, last_modified=last_modified)
    kind = answer.content_type
    if kind in ("text/html", "application/xhtml+xml") or (
        kind not in _FEED_TYPES and not kind.endswith("+xml")
    ):
        msg = f"{url}: answered {kind or 'no content type'}, not a feed; check the feed's address"
        raise FeedError(msg, status=answer.status)
    async with fetcher.parsing:  # one at a time: parses share the GIL with the event loop
        items, duplicates, bozo, version = await asyncio.to_thread(_parse, url, answer.body)
    if not items and bozo is not None:
        problem = bozo[:120]
        if not version and b"<html" in answer.body[:2048].lower():
            msg = f"{url}: answered an HTML page, not a feed; check the feed's address"
        else:
            msg = f"{url}: malformed feed ({problem}); tell its publisher, or remove it"
        raise FeedError(msg, status=answer.status)
    return Polled(
        changed=True,
        items=tuple(items),
        etag=answer.headers.get("etag"),
        last_modified=answer.headers.get("last-modified"),
        duplicates=duplicates,
    )


def _parse(url: str, body: bytes) -> tuple[list[Item], int, str | None, str]:
    """In a worker thread: the feed parsed and its items read (feedparser's dicts are slow
    to walk, so not on the loop either).
    """
    parsed = feedparser.parse(body)
    items, duplicates = _items(url, parsed)
    bozo = str(parsed.get("bozo_exception", "unreadable")) if parsed.get("bozo") else None
    return items, duplicates, bozo, str(parsed.get("version") or "")


def _items(url: str, parsed: Any) -> tuple[list[Item], int]:  # noqa: ANN401 - feedparser's dict
    outlet = _text(parsed.get("feed", {}).get("title"))
    seen: set[str] = set()
    items: list[Item] = []
    duplicates = 0
    for entry in parsed.get("entries", [])[:MAX_ITEMS]:
        link = _text(entry.get("link")) or None
        guid = _text(entry.get("id")) or None
        key = guid or link or hashlib.sha256(_text(entry.get("title")).encode()).hexdigest()
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        items.append(
            Item(
                feed=url,
                title=_text(entry.get("title")) or "(no title)",
                link=link,
                guid=guid,
                published=_text(entry.get("published") or entry.get("updated")),
                summary=_text(entry.get("summary")),
                outlet=outlet,
            )
        )
    return items, duplicates


def _text(value: object) -> str:
    return " ".join(str(value).split())[:2000] if value else ""
