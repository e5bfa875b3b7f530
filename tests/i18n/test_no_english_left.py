"""A reply asked for in Spanish says nothing of the interface in English: every command, drawn
by every renderer (each page), and every web page under /es/ is searched for the English of
each translated message. Only the reports' own words (the quotes, the full text of a report)
stay English, and they are left out of the search.
"""

import dataclasses
import json
import re
import string
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.core.reply import Reply, Section
from bot.i18n.catalogs import po_file
from bot.platforms.presses import paged_reply
from bot.renderers.discord import render_discord_page
from bot.renderers.slack import render_slack_page
from bot.renderers.text import render_text
from bot.settings import Settings
from bot.web.links import SiteLinks
from bot.web.pages import WebPages

LINES = [
    "/help",
    "/help quote",
    "/ruling",
    "/numbers public",
    "/status",
    "/timeline",
    "/who",
    "/who Romo",
    "/who nobody-at-all",
    "/sources",
    "/quote Romo",
    "/quote zzzzqqq",
    "/quote",
    "/recap list",
    "/brief",
    "/nonsense",
    "/numbers stray",
    "",
]
SHORTEST = 12  # fragments shorter than this ("Sources") could be a report's own words
LATE = datetime(2026, 12, 1, tzinfo=UTC)  # so the staleness warning shows too


def english_fragments() -> list[str]:
    """The literal parts of every message whose Spanish differs, long enough to be telling."""
    from babel.messages.pofile import read_po

    with po_file("es").open("rb") as file:
        catalog = read_po(file, locale="es")
    found: set[str] = set()
    for message in catalog:
        if not message.id or message.context:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) & set(strings):
            continue  # the same in both languages ("URL: {url}")
        for text in ids:
            for literal, *_ in string.Formatter().parse(text):
                for part in re.split(r"[`“”]", literal):
                    cleaned = " ".join(part.split()).strip(" .,;:()")
                    # Commands and examples ("/brief lang auto") are the same in Spanish.
                    if len(cleaned) >= SHORTEST and not any(cleaned in s for s in strings):
                        found.add(cleaned)
    return sorted(found)


FRAGMENTS = english_fragments()


def without_reports_words(reply: Reply, line: str) -> Reply:
    """The reply with the reports' own words taken out (quotes, and /quote's sentences)."""
    citations = tuple(dataclasses.replace(c, quote="(quote)") for c in reply.citations)
    sections = reply.sections
    if line.startswith("/quote"):
        sections = tuple(
            Section(s.heading, tuple(dataclasses.replace(i, text="(sentence)") for i in s.items))
            if s.items and s.items[0].cites
            else s
            for s in sections
        )
    return dataclasses.replace(reply, citations=citations, sections=sections)


def leftovers(shown: str) -> list[str]:
    flat = " ".join(shown.split())
    return [fragment for fragment in FRAGMENTS if fragment in flat]


@pytest.fixture
def late(settings: Settings) -> Dispatcher:
    return build_dispatcher(settings, lambda: LATE)


@pytest.mark.parametrize("line", LINES)
def test_every_renderer_draws_a_spanish_reply_in_spanish(late: Dispatcher, line: str) -> None:
    reply = late.run_line(line, platform="slack", channel="C1", user=User("U1"), locale="es")
    assert reply.lang == "es"
    bare = without_reports_words(reply, line)
    paged = paged_reply(late, bare)
    drawn: list[Callable[[int], object]] = [
        lambda n: render_slack_page(paged, n),
        lambda n: render_discord_page(paged, n),
    ]
    shown = [render_text(bare)]
    shown += [
        json.dumps(draw(n), ensure_ascii=False) for draw in drawn for n in range(1, paged.count + 1)
    ]
    assert leftovers("\n".join(shown)) == []


def test_the_check_would_see_english(late: Dispatcher) -> None:
    """The search above finds what it looks for: an English reply is full of it."""
    reply = late.run_line("/numbers")
    assert leftovers(render_text(without_reports_words(reply, "/numbers")))


class _Text(HTMLParser):
    """The text of a page outside the elements marked lang="en" (the reports' words)."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        english = dict(attrs).get("lang") == "en" or (bool(self.stack) and self.stack[-1])
        if tag not in self.VOID:
            self.stack.append(english)
        for name, value in attrs:
            if name in ("aria-label", "content", "placeholder") and value and not english:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def page_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def test_every_spanish_web_page_is_in_spanish(dispatcher: Dispatcher, tmp_path: Path) -> None:
    pages = WebPages(dispatcher)
    index, source = SiteLinks(lang="es"), SiteLinks(root="../", lang="es")
    drawn = [
        pages.index(index),
        pages.index(index, "numbers"),
        pages.search("Romo", index),
        pages.search("", index),
        pages.not_found(SiteLinks(root="/es/", lang="es")),
        *(pages.source(s, source) or "" for s in dispatcher.store.current.sources),
    ]
    for page in drawn:
        assert '<html lang="es">' in page
        text = page_text(page)
        # The reports' labels quote their own words ("Authored by ..."): only the interface counts.
        assert leftovers(text) == [], text[:300]
