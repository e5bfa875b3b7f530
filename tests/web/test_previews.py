"""Open Graph tags: a link to the brief unfurls (in Discord's own embed, or anything reading
them) with the topic's or passage's text and its citation; names that do not exist fall back
to the page's own preview and never grow the page cache.
"""

import html
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from bot.web.server import PAGES_KEY, build_web_app
from bot.web.site import export_site
from tests.web.conftest import Served, serve

BASE = "https://brief.example.org"
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def tags(body: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in META.findall(body)}


@pytest.fixture
def linked(settings: Settings, clock: Callable[[], datetime]) -> Dispatcher:
    return build_dispatcher(settings.model_copy(update={"public_url": BASE}), clock)


@pytest.fixture
async def published(linked: Dispatcher) -> AsyncIterator[tuple[Served, object]]:
    app = build_web_app(linked, public_url=BASE)
    runner, url = await serve(app)
    async with aiohttp.ClientSession() as session:
        yield Served(url, session), app[PAGES_KEY]
    await runner.cleanup()


async def test_a_topic_link_previews_its_first_point_and_citation(
    published: tuple[Served, object], linked: Dispatcher
) -> None:
    served, _ = published
    link = linked.run_line("/ruling").url
    assert link == f"{BASE}/?topic=ruling#ruling"
    status, body, _ = await served.get(link.removeprefix(BASE).partition("#")[0])
    assert status == 200
    og = tags(body)
    reply = linked.run_line("/ruling")
    first = reply.sections[0].items[0]
    assert og["og:title"] == reply.title
    assert og["og:description"].startswith(first.text[:60])
    assert "[1] The Epoch Times" in og["og:description"]
    assert og["og:url"] == f"{BASE}/?topic=ruling"
    assert og["og:site_name"].startswith("Case brief")
    assert len(og["og:description"]) <= 300


async def test_a_passage_link_previews_the_passage_and_its_report(
    published: tuple[Served, object], linked: Dispatcher
) -> None:
    served, _ = published
    citation = linked.run_line("/numbers").citations[0]
    assert citation.url
    path = citation.url.removeprefix(BASE).partition("#")[0]
    status, body, _ = await served.get(path)
    assert status == 200
    og = tags(body)
    assert og["og:title"].startswith(citation.source_label)
    assert og["og:description"].startswith(f"\u201c{citation.quote[:50]}")
    assert "Cited in \u201c" in og["og:description"]
    assert og["og:url"] == citation.url.partition("#")[0]


@pytest.mark.parametrize(
    "path",
    [
        "/?topic=nothing",
        "/?topic=%3Cscript%3E",
        "/sources/epoch-times?passage=p-000000000000",
        "/sources/epoch-times?passage=%22%3E%3Cscript%3E",
    ],
)
async def test_unknown_names_fall_back_and_stay_out_of_the_cache(
    published: tuple[Served, object], path: str
) -> None:
    served, pages = published
    status, body, _ = await served.get(path)
    assert status == 200
    assert "<script" not in body
    og = tags(body)
    assert og["og:url"] in (f"{BASE}/", f"{BASE}/sources/epoch-times")
    keys = list(pages._cache.keys())  # type: ignore[attr-defined]
    assert all("nothing" not in str(k) and "script" not in str(k) for k in keys)
    assert all("p-000000000000" not in str(k) for k in keys)


async def test_without_public_url_there_is_no_og_url(served: Served) -> None:
    _, body, _ = await served.get("/?topic=numbers")
    og = tags(body)
    assert og["og:title"] == "The numbers"
    assert "og:url" not in og


def test_the_static_export_carries_the_tags_too(linked: Dispatcher, tmp_path: Path) -> None:
    export_site(linked, tmp_path, public_url=BASE)
    index = tags((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert index["og:url"] == f"{BASE}/"
    assert index["og:description"].startswith("On Feb. 26, 2026 a federal judge ruled")
    report = tags((tmp_path / "sources" / "washington-report.html").read_text(encoding="utf-8"))
    assert report["og:title"] == "Undated WASHINGTON report (outlet not stated)"
    assert report["og:description"].startswith("Outlet: not stated.")
